"""Webhook signature verification against Replicate's published test vector and tampering."""

from __future__ import annotations

import email.message
from collections.abc import Callable

import pytest

import replicate_ext
from replicate_ext import webhooks
from replicate_ext.webhooks import InvalidSignature, StaleTimestamp, WebhookVerificationError

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
WEBHOOK_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
TIMESTAMP = 1614265330
BODY = b'{"test": 2432232314}'
SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def headers(signature: str = SIGNATURE, timestamp: int = TIMESTAMP) -> dict[str, str]:
    return {
        "webhook-id": WEBHOOK_ID,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature,
    }


def test_published_vector_verifies_and_returns_payload() -> None:
    assert webhooks.verify(headers(), BODY, SECRET, now=TIMESTAMP) == {"test": 2432232314}


def test_sign_reproduces_published_signature() -> None:
    assert webhooks.sign(WEBHOOK_ID, TIMESTAMP, BODY, SECRET) == SIGNATURE


def test_header_names_are_case_insensitive_and_pairs_accepted() -> None:
    mixed = {"Webhook-Id": WEBHOOK_ID, "WEBHOOK-TIMESTAMP": str(TIMESTAMP)}
    mixed["Webhook-Signature"] = SIGNATURE
    assert webhooks.verify(mixed, BODY, SECRET, now=TIMESTAMP) == {"test": 2432232314}
    pairs = list(headers().items())
    assert webhooks.verify(pairs, BODY, SECRET, now=TIMESTAMP) == {"test": 2432232314}


def test_http_server_message_headers_are_accepted() -> None:
    message = email.message.Message()
    for name, value in headers().items():
        message[name.title()] = value
    assert webhooks.verify(message, BODY, SECRET, now=TIMESTAMP) == {"test": 2432232314}


def test_str_body_and_secret_without_prefix() -> None:
    bare_secret = SECRET.removeprefix("whsec_")
    assert webhooks.verify(headers(), BODY.decode(), bare_secret, now=TIMESTAMP) == {
        "test": 2432232314
    }


def test_tampered_body_is_rejected() -> None:
    with pytest.raises(InvalidSignature):
        webhooks.verify(headers(), b'{"test": 2432232315}', SECRET, now=TIMESTAMP)


def test_reformatted_body_is_rejected_because_raw_bytes_are_signed() -> None:
    with pytest.raises(InvalidSignature):
        webhooks.verify(headers(), b'{"test":2432232314}', SECRET, now=TIMESTAMP)


def test_wrong_secret_is_rejected() -> None:
    with pytest.raises(InvalidSignature):
        webhooks.verify(headers(), BODY, "whsec_" + "A" * 32, now=TIMESTAMP)


def test_other_id_or_timestamp_is_rejected() -> None:
    forged = headers()
    forged["webhook-id"] = "msg_other"
    with pytest.raises(InvalidSignature):
        webhooks.verify(forged, BODY, SECRET, now=TIMESTAMP)
    with pytest.raises(InvalidSignature):
        webhooks.verify(headers(timestamp=TIMESTAMP + 1), BODY, SECRET, now=TIMESTAMP)


@pytest.mark.parametrize(
    "signature",
    [
        f"v1,bm90IHRoZSByaWdodCBvbmU= {SIGNATURE}",
        f"{SIGNATURE} v1,bm90IHRoZSByaWdodCBvbmU=",
        f"v2,xyz   {SIGNATURE}",
    ],
)
def test_any_of_several_signatures_may_match(signature: str) -> None:
    assert webhooks.verify(headers(signature), BODY, SECRET, now=TIMESTAMP) == {"test": 2432232314}


def test_no_matching_signature_among_several() -> None:
    with pytest.raises(InvalidSignature):
        webhooks.verify(headers("v1,AAAA v1,BBBB"), BODY, SECRET, now=TIMESTAMP)


def test_signature_without_version_prefix_is_rejected() -> None:
    with pytest.raises(InvalidSignature):
        webhooks.verify(headers(SIGNATURE.removeprefix("v1,")), BODY, SECRET, now=TIMESTAMP)


@pytest.mark.parametrize("offset", [301, -301, 10_000])
def test_stale_or_future_timestamp(offset: int) -> None:
    with pytest.raises(StaleTimestamp):
        webhooks.verify(headers(), BODY, SECRET, now=TIMESTAMP + offset)


def test_within_tolerance_and_custom_tolerance() -> None:
    assert webhooks.verify(headers(), BODY, SECRET, now=TIMESTAMP + 300) == {"test": 2432232314}
    with pytest.raises(StaleTimestamp):
        webhooks.verify(headers(), BODY, SECRET, tolerance=10, now=TIMESTAMP + 11)
    assert webhooks.verify(headers(), BODY, SECRET, tolerance=None) == {"test": 2432232314}


def test_default_now_is_the_real_clock() -> None:
    # The 2021 vector is years old, so against the real clock it must be stale.
    with pytest.raises(StaleTimestamp):
        webhooks.verify(headers(), BODY, SECRET)


@pytest.mark.parametrize("missing", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_missing_header(missing: str) -> None:
    incomplete = headers()
    del incomplete[missing]
    with pytest.raises(InvalidSignature, match=missing):
        webhooks.verify(incomplete, BODY, SECRET, now=TIMESTAMP)


def test_non_integer_timestamp() -> None:
    broken = headers()
    broken["webhook-timestamp"] = "yesterday"
    with pytest.raises(InvalidSignature):
        webhooks.verify(broken, BODY, SECRET, now=TIMESTAMP)


def test_errors_never_contain_the_secret() -> None:
    key = SECRET.removeprefix("whsec_")
    failures: list[Exception] = []
    calls: list[Callable[[], object]] = [
        lambda: webhooks.verify(headers("v1,AAAA"), BODY, SECRET, now=TIMESTAMP),
        lambda: webhooks.verify(headers(), BODY, SECRET, now=TIMESTAMP + 1000),
        lambda: webhooks.verify(headers(), BODY, "whsec_not*base64!", now=TIMESTAMP),
    ]
    for call in calls:
        with pytest.raises(ValueError) as caught:
            call()
        failures.append(caught.value)
    for error in failures:
        rendered = f"{error!s} {error!r} {error.__cause__!r} {error.__context__!r}"
        assert key not in rendered
        assert "not*base64" not in rendered
    assert isinstance(failures[0], WebhookVerificationError)
    assert isinstance(failures[1], WebhookVerificationError)
    assert isinstance(failures[0], replicate_ext.ReplicateError)


def test_signed_non_json_body() -> None:
    body = b"not json"
    signature = webhooks.sign(WEBHOOK_ID, TIMESTAMP, body, SECRET)
    with pytest.raises(WebhookVerificationError):
        webhooks.verify(headers(signature), body, SECRET, now=TIMESTAMP)


# -- hardening (issue 12, item 6) -------------------------------------------------------------

EMPTY_KEY_SIGNATURE = webhooks._signature(b"", WEBHOOK_ID, str(TIMESTAMP), BODY)


@pytest.mark.parametrize("secret", ["", "whsec_", "  whsec_  ", b"", b"whsec_", "whsec_===="])
def test_an_empty_secret_is_refused_rather_than_used_as_an_empty_key(secret: str | bytes) -> None:
    # With an empty key anyone can forge a signature; verify must not accept one.
    with pytest.raises(ValueError, match=r"empty|base64") as info:
        webhooks.verify(headers(EMPTY_KEY_SIGNATURE), BODY, secret, now=TIMESTAMP)
    assert not isinstance(info.value, WebhookVerificationError)  # a setup error, not a 400
    with pytest.raises(ValueError):
        webhooks.sign(WEBHOOK_ID, TIMESTAMP, BODY, secret)


def test_a_non_ascii_bytes_secret_raises_without_showing_it() -> None:
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwé".encode()
    with pytest.raises(ValueError, match="ASCII") as info:
        webhooks.verify(headers(), BODY, secret, now=TIMESTAMP)
    shown = str(info.value) + repr(info.value)
    assert "MfKQ9r8G" not in shown and "0xc3" not in shown
    assert info.value.__cause__ is None and info.value.__suppress_context__


@pytest.mark.parametrize("tolerance", [float("nan"), float("inf"), -1, -0.5, True])
def test_tolerances_that_would_disable_or_break_replay_protection_are_refused(
    tolerance: float,
) -> None:
    with pytest.raises(ValueError, match="tolerance"):
        webhooks.verify(headers(), BODY, SECRET, tolerance=tolerance, now=TIMESTAMP + 10**6)


def test_a_zero_tolerance_is_allowed() -> None:
    assert webhooks.verify(headers(), BODY, SECRET, tolerance=0, now=TIMESTAMP) == {
        "test": 2432232314
    }


@pytest.mark.parametrize(
    "timestamp",
    [f" {TIMESTAMP}", f"{TIMESTAMP} ", f"+{TIMESTAMP}", f"0{TIMESTAMP}", "1_614_265_330",
     "١٦١٤٢٦٥٣٣٠", f"-{TIMESTAMP}", f"{TIMESTAMP}.0", "1" * 40],
)  # fmt: skip
def test_only_canonical_decimal_timestamps_are_accepted(timestamp: str) -> None:
    tampered = {**headers(), "webhook-timestamp": timestamp}
    # even when the signature was made over that exact text
    secret_key = webhooks._key(SECRET)
    tampered["webhook-signature"] = webhooks._signature(secret_key, WEBHOOK_ID, timestamp, BODY)
    with pytest.raises(InvalidSignature, match="decimal"):
        webhooks.verify(tampered, BODY, SECRET, tolerance=None)
