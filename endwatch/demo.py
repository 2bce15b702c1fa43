"""The demo staff accounts of `endwatch init --demo` (published credentials: demo data only)."""

from __future__ import annotations

DEMO_USERS = (
    ("admin@demo.endwatch.example", "admin"),
    ("triager@demo.endwatch.example", "triager"),
    ("auditor@demo.endwatch.example", "auditor"),
)
DEMO_PASSWORD = "demo-password-change-me"  # noqa: S105 - published demo credential, demo data only
DEMO_TOTP_SECRET = "ENDWATCHDEMOACCOUNTSONLYNOTREAL2"  # noqa: S105 - published with the demo password
