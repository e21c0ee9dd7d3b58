"""A tiny HTTP client for the replica tests (urllib, no redirects hidden, errors as replies)."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlencode

import parsel


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def text(self, encoding: str = "utf-8") -> str:
        return self.body.decode(encoding)

    def selector(self, encoding: str = "utf-8") -> parsel.Selector:
        return parsel.Selector(text=self.text(encoding))


def fetch(url: str, *, method: str | None = None, form: dict | None = None, headers: dict | None = None) -> Reply:
    data = urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        request.add_header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return Reply(response.status, {k.lower(): v for k, v in response.headers.items()}, response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())
