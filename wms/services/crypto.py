"""Secrets at rest: Fernet encryption for marketplace credentials and webhook secrets."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

from wms.settings import Settings


class SecretBox:
    """Encrypts and decrypts small secrets with the configured key."""

    def __init__(self, settings: Settings) -> None:
        key = settings.security.encryption_key
        if not key:
            # Derived key: stable for a given secret_key; production sets encryption_key.
            digest = hashlib.sha256(("wms-secrets:" + settings.server.secret_key).encode()).digest()
            key = base64.urlsafe_b64encode(digest).decode()
        self._fernet = Fernet(key.encode())

    def encrypt(self, plain: str) -> str:
        """Encrypt a string."""
        return self._fernet.encrypt(plain.encode()).decode()

    def decrypt(self, token: str) -> str:
        """Decrypt a string (ValueError when the key is wrong or the data damaged)."""
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise ValueError(
                "cannot decrypt secret: wrong encryption key or damaged data"
            ) from None

    def encrypt_json(self, data: dict[str, Any]) -> str:
        """Encrypt a JSON object."""
        return self.encrypt(json.dumps(data, sort_keys=True))

    def decrypt_json(self, token: str) -> dict[str, Any]:
        """Decrypt a JSON object."""
        value = json.loads(self.decrypt(token))
        if not isinstance(value, dict):
            raise ValueError("secret is not a JSON object")
        return value
