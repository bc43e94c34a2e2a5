"""`check --deploy` warns when sign-in and reset limits would be counted per process."""

from django.core.checks import run_checks

from assessor.checks import check_shared_cache

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/1"}}


def test_it_warns_about_an_in_process_cache_when_debug_is_off(settings):
    settings.DEBUG = False
    settings.CACHES = LOCMEM
    warnings = check_shared_cache()
    assert [warning.id for warning in warnings] == ["assessor.W001"]
    assert "CACHE_URL" in warnings[0].hint


def test_the_deployment_check_includes_it(settings):
    settings.DEBUG = False
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    assert "assessor.W001" in {message.id for message in run_checks(include_deployment_checks=True)}
    assert "assessor.W001" not in {message.id for message in run_checks()}


def test_a_shared_cache_or_debug_mode_is_fine(settings):
    settings.DEBUG = False
    settings.CACHES = REDIS
    assert check_shared_cache() == []
    settings.DEBUG = True
    settings.CACHES = LOCMEM
    assert check_shared_cache() == []
