"""HMAC-SHA256 signatures of delivery bodies, for the sender and for receivers (and tests) to verify.

The signed message is `<timestamp>.<body>`: a receiver that refuses old timestamps also refuses a
captured delivery played again later."""

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-Coopreview-Signature"
TIMESTAMP_HEADER = "X-Coopreview-Timestamp"
EVENT_HEADER = "X-Coopreview-Event"
DELIVERY_HEADER = "X-Coopreview-Delivery"


def sign(*, secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(*, secret: str, signature: str, timestamp: str, body: bytes, tolerance: int = 300) -> bool:
    """Whether `signature` is this body's under `secret`, signed less than `tolerance` seconds ago."""
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > tolerance:
        return False
    expected = sign(secret=secret, timestamp=int(timestamp), body=body)
    return hmac.compare_digest(expected, signature)
