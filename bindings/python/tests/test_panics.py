"""A panic inside the Rust core (forced by a test-only hook) surfaces as the base error,
`B24kitError`, in blocking and asyncio calls — and the process, the thread and the client keep
working afterwards."""

from __future__ import annotations

import asyncio

import pytest

import b24kit
from b24kit import _native


def assert_internal(error: BaseException) -> None:
    assert type(error) is b24kit.B24kitError, type(error)
    assert "internal error in b24kit (forced by the test hook)" in str(error)


def test_blocking_call(client: b24kit.Client) -> None:
    for _ in range(3):
        with pytest.raises(b24kit.B24kitError) as info:
            _native._panic_for_tests(client._native, False)
        assert_internal(info.value)
        # The same thread's runtime and connection pool still serve calls.
        assert client.imopenlines_session_mode_silent(2043, activate=True).result is True


def test_asyncio_call(async_client: b24kit.AsyncClient) -> None:
    async def run() -> None:
        for _ in range(3):
            with pytest.raises(b24kit.B24kitError) as info:
                await _native._panic_for_tests(async_client._native, True)
            assert_internal(info.value)
            answer = await async_client.imopenlines_session_mode_silent(2043, activate=False)
            assert answer.result is True
        # Panics in calls in flight beside successful ones do not disturb them.
        outcomes = await asyncio.gather(
            *[
                _native._panic_for_tests(async_client._native, True)
                if i % 2
                else async_client.imopenlines_session_mode_silent(2043, activate=True)
                for i in range(20)
            ],
            return_exceptions=True,
        )
        for i, outcome in enumerate(outcomes):
            if i % 2:
                assert isinstance(outcome, BaseException)
                assert_internal(outcome)
            else:
                assert isinstance(outcome, b24kit.Response) and outcome.result is True

    asyncio.run(run())
