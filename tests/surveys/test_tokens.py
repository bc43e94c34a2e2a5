import pytest

from surveys import tokens
from surveys.models import Invitation


def test_tokens_are_derived_from_the_nonce_and_the_secret():
    nonce = tokens.new_nonce()
    assert tokens.derive_token(nonce, secret="a") == tokens.derive_token(nonce, secret="a")
    assert tokens.derive_token(nonce, secret="a") != tokens.derive_token(nonce, secret="b")
    assert tokens.looks_like_token(tokens.derive_token(nonce, secret="a"))


def test_nonces_are_random_and_long():
    nonces = {tokens.new_nonce() for _ in range(200)}
    assert len(nonces) == 200
    assert all(len(nonce) >= 24 for nonce in nonces)


@pytest.mark.django_db
def test_the_database_holds_only_a_hash_of_the_token(invite):
    invitation = invite()
    token = invitation.token()
    stored = Invitation.objects.filter(pk=invitation.pk).values()[0]
    assert token not in {str(value) for value in stored.values()}
    assert stored["token_hash"] == tokens.hash_token(token)
    assert Invitation.objects.by_token(token).get() == invitation


@pytest.mark.django_db
def test_regenerating_changes_the_link_and_the_old_one_stops_working(invite):
    invitation = invite()
    old = invitation.token()
    invitation.regenerate()
    assert invitation.token() != old
    assert not Invitation.objects.by_token(old).exists()
    assert Invitation.objects.by_token(invitation.token()).exists()


@pytest.mark.django_db
def test_a_different_secret_invalidates_every_link(invite, settings):
    invitation = invite()
    token = invitation.token()
    settings.SURVEYS_TOKEN_SECRET = "rotated"
    assert invitation.token() != token
