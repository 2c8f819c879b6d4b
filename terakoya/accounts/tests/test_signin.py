"""Sign-in: passwords with lockout, class code + pictures, QR cards."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from terakoya.accounts import services
from terakoya.accounts.pictures import sequence_password
from terakoya.accounts.tests.support import lock_by_pictures
from terakoya.privacy.audit import SYSTEM
from terakoya.testing import PASSWORD, assert_same_not_found

pytestmark = pytest.mark.django_db


def test_the_sign_in_page_is_in_japanese_even_for_an_english_browser():
    response = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get("/accounts/signin/")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "ja"
    assert "サインイン" in response.text
    assert "no-store" in response.headers["Cache-Control"]


def test_english_is_an_explicit_choice(world):
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/signin/"})
    response = client.get("/accounts/signin/")
    assert response.headers["Content-Language"] == "en"


def test_a_teacher_signs_in_with_a_password_and_reaches_home(world):
    client = Client()
    response = client.post(
        "/accounts/signin/", {"username": "homeroom_teacher", "password": PASSWORD}
    )
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert "田中 誠さんのホーム" in home.text


def test_a_wrong_password_is_refused_with_a_japanese_message(world):
    response = Client().post(
        "/accounts/signin/", {"username": "homeroom_teacher", "password": "wrong"}
    )
    assert response.status_code == 200
    assert "ユーザー名またはパスワードが違います" in response.text


def test_five_failures_lock_the_account_even_with_the_right_password(world):
    client = Client()
    for _ in range(5):
        client.post("/accounts/signin/", {"username": "nurse", "password": "nope"})
    response = client.post("/accounts/signin/", {"username": "nurse", "password": PASSWORD})
    assert response.status_code == 429 or response.status_code == 403
    assert "しばらく サインインできません" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_young_learner_signs_in_with_class_code_and_three_pictures(world):
    services.picture_password_set(person=world.learner, keys=["cat", "star", "moon"], actor=SYSTEM)
    code = services.class_sign_in_get_or_create(school_class=world.homeroom).code
    client = Client()
    names = client.get(f"/accounts/class/{code}/")
    assert names.status_code == 200
    assert "やまだ はなこ" in names.text
    assert "山田" not in names.text  # only the reading is shown before sign-in
    url = f"/accounts/class/{code}/{world.learner.uuid}/"
    wrong = client.post(url, {"pictures": "cat,star,sun"})
    assert wrong.status_code == 400
    right = client.post(url, {"pictures": "cat,star,moon"})
    assert right.status_code == 302
    assert client.get("/").status_code == 200
    assert client.session["_auth_user_id"] == str(world.learner.user_id)


def test_a_wrong_class_code_and_a_learner_of_another_class_are_not_found(world):
    code = services.class_sign_in_get_or_create(school_class=world.homeroom).code
    client = Client()
    assert client.get("/accounts/class/ZZZZZZ/").status_code == 404
    other = f"/accounts/class/{code}/{world.other_learner.uuid}/"
    assert client.get(other).status_code == 404
    response = client.post("/accounts/class/", {"code": "ZZZZZZ"})
    assert "その コードの クラスは ありません" in response.text


def test_a_picture_password_also_locks_after_five_failures(world):
    url = lock_by_pictures(world)
    client = Client()
    response = client.post(url, {"pictures": "cat,star,moon"})
    assert response.status_code in {403, 429}
    assert "_auth_user_id" not in client.session


def test_a_qr_card_signs_in_and_a_reissued_card_revokes_the_old_one(world):
    first = services.cards_issue(people=[world.learner], actor=SYSTEM)[0].token
    client = Client()
    assert client.post("/accounts/card/", {"token": first}).status_code == 302
    second = services.cards_issue(people=[world.learner], actor=SYSTEM)[0].token
    fresh = Client()
    refused = fresh.post("/accounts/card/", {"token": first})
    assert refused.status_code == 400
    assert "この カードは つかえません" in refused.text
    assert fresh.post("/accounts/card/", {"token": second}).status_code == 302


def test_only_the_digest_of_a_card_token_is_stored(world):
    from terakoya.accounts.models import SignInCard

    token = services.cards_issue(people=[world.learner], actor=SYSTEM)[0].token
    stored = SignInCard.objects.get(person=world.learner, revoked_at__isnull=True)
    assert token not in stored.token_digest
    assert re.fullmatch(r"[0-9a-f]{64}", stored.token_digest)


def test_the_teacher_prints_cards_and_qr_codes_carry_the_token_in_the_fragment(world):
    client = world.client_for(world.homeroom_teacher)
    url = f"/accounts/classes/{world.homeroom.uuid}/sign-in/"
    assert client.get(url).status_code == 200
    printed = client.post(url, {"action": "cards"})
    assert printed.status_code == 200
    assert printed.text.count("<svg") == 2  # one card per learner in the class
    assert "山田 花子" in printed.text


def test_a_teacher_of_another_school_cannot_open_the_class_sign_in_page(world):
    client = world.client_for(world.stranger)
    url = f"/accounts/classes/{world.homeroom.uuid}/sign-in/"
    missing = "/accounts/classes/00000000-0000-4000-8000-000000000000/sign-in/"
    assert_same_not_found(client.get(url), client.get(missing))


def test_picture_passwords_are_stored_as_argon2_in_production_settings(world, settings):
    settings.PASSWORD_HASHERS = ["terakoya.accounts.hashers.TerakoyaArgon2Hasher"]
    services.picture_password_set(
        person=world.learner, keys=["apple", "apple", "fish"], actor=SYSTEM
    )
    world.learner.user.refresh_from_db()
    assert world.learner.user.password.startswith("argon2$argon2id$")
    assert world.learner.user.check_password(sequence_password(["apple", "apple", "fish"]))


def test_the_teacher_sees_a_locked_learner_and_lifts_the_lock_audited(world):
    from terakoya.privacy.models import AuditEntry

    url = lock_by_pictures(world)
    assert services.signin_locks(people=[world.learner, world.classmate]).keys() == {
        world.learner.pk
    }
    teacher = world.client_for(world.homeroom_teacher)
    page = f"/accounts/classes/{world.homeroom.uuid}/sign-in/"
    shown = teacher.get(page)
    assert 'data-testid="locked-learners"' in shown.text
    assert "山田 花子" in shown.text.split('data-testid="locked-learners"')[1].split("</table>")[0]
    lifted = teacher.post(page, {"action": "unlock", "learner": str(world.learner.uuid)})
    assert lifted.status_code == 302
    after = teacher.get(page)
    assert "サインインの制限を解除しました" in after.text
    assert 'data-testid="locked-learners"' not in after.text
    child = Client()
    assert child.post(url, {"pictures": "cat,star,moon"}).status_code == 302
    assert child.session["_auth_user_id"] == str(world.learner.user_id)
    entry = AuditEntry.objects.get(action="signin.unlock")
    assert entry.subject_uuid == world.learner.uuid
    assert entry.actor_uuid == world.homeroom_teacher.uuid
    assert entry.outcome == "changed"
    from terakoya.privacy.selectors import action_label

    # what the guardian reads in the access log
    assert action_label("signin.unlock") == "サインインの制限を解除しました"


def test_lifting_the_lock_of_a_learner_outside_the_class_is_not_found(world):
    teacher = world.client_for(world.homeroom_teacher)
    page = f"/accounts/classes/{world.homeroom.uuid}/sign-in/"
    outside = teacher.post(page, {"action": "unlock", "learner": str(world.other_learner.uuid)})
    missing = teacher.post(
        page, {"action": "unlock", "learner": "00000000-0000-4000-8000-000000000000"}
    )
    assert_same_not_found(outside, missing)


def test_a_stranger_cannot_lift_a_lock(world):
    lock_by_pictures(world)
    stranger = world.client_for(world.stranger)
    page = f"/accounts/classes/{world.homeroom.uuid}/sign-in/"
    refused = stranger.post(page, {"action": "unlock", "learner": str(world.learner.uuid)})
    assert refused.status_code == 404
    assert services.signin_locks(people=[world.learner]).keys() == {world.learner.pk}
