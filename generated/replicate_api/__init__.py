"""placeholder until make generate runs"""
