"""A tour of every page in the finished apps, as each role, in a real browser.

Each persona of the ``world`` fixture signs in (the young learner through the class code and
three pictures, like a first-grader at a shared tablet; the others carry a session cookie) and
opens every entry of its own menu (``terakoya.web.nav``) that belongs to the apps in scope —
accounts, roster (not OneRoster), web, privacy, attendance, guidance — plus the home page.
On a phone (390x844) in Japanese and in English, and on the 10-inch tablet (1024x768) in
Japanese, each page must have:

- status 200, one ``<h1>``, and ``<html lang>`` matching the chosen language;
- no horizontal overflow of the document at 390px (wide tables scroll inside ``.table-wrap``);
- every visible button, link and field in ``<main>`` at least 44px tall. Documented
  exceptions: links inside running text (``p``/``dd``/``.muted`` sentences, WCAG 2.5.8's
  "inline" exception), and checkboxes/radios, whose whole ``<label>`` is the target;
- every field with a label (``<label for>``, a wrapping label, ``aria-label`` or
  ``aria-labelledby``), every ``<img>`` with ``alt`` and every ``<svg>`` either hidden from
  assistive technology or named (an accessibility check that needs no network);
- in English, no Japanese left in the page's chrome (menu, footer, headings, table headers,
  labels, buttons, legends) once the people's, classes' and schools' own names are set aside.

Screenshots: ``var/screenshots/tour-<role>-<page>-<viewport>.png``.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings

from terakoya.accounts import services as accounts
from terakoya.privacy.audit import SYSTEM
from terakoya.testing import PHONE, TABLET, World, screenshot, signed_in_context
from terakoya.web.nav import items_for

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

IN_SCOPE = ("accounts:", "roster:", "web:", "privacy:", "attendance:", "guidance:")
NOT_IN_SCOPE = ("roster:oneroster",)

ROLES = {
    "learner": {"learner"},
    "guardian": {"guardian"},
    "homeroom": {"teacher"},
    "subject": {"teacher"},
    "nurse": {"nurse"},
    "admin": {"school_admin"},
    "principal": {"principal"},
    "analyst": {"board_analyst"},
}
PERSONA = {
    "learner": "learner",
    "guardian": "guardian",
    "homeroom": "homeroom_teacher",
    "subject": "subject_teacher",
    "nurse": "nurse",
    "admin": "school_admin",
    "principal": "principal",
    "analyst": "board_analyst",
}

# Runs in the page: everything the tour asserts, measured where the user sees it.
CHECKS = """
() => {
  const main = document.querySelector('main');
  const shown = el => {
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
  };
  const describe = el => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}`
    + ` "${(el.innerText || el.value || el.name || '').trim().slice(0, 30)}"`;
  const out = {h1: document.querySelectorAll('h1').length, lang: document.documentElement.lang,
    width: document.documentElement.scrollWidth, small: [], unlabelled: [], unnamed: [],
    chrome: []};
  const controls = 'a[href], button, input:not([type=hidden]), select, textarea, summary';
  for (const el of main.querySelectorAll(controls)) {
    if (!shown(el)) continue;
    if (el.type === 'checkbox' || el.type === 'radio') continue;  // the label is the target
    if (el.tagName === 'A' && el.closest('p, dd, .muted')) continue;  // link inside running text
    const height = el.getBoundingClientRect().height;
    if (height < 44) out.small.push(`${describe(el)} ${Math.round(height)}px`);
  }
  const fields = 'input:not([type=hidden]):not([type=submit]), select, textarea';
  for (const el of document.querySelectorAll(fields)) {
    const named = (el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`))
      || el.closest('label') || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
    if (!named) out.unlabelled.push(describe(el));
  }
  for (const el of document.querySelectorAll('img, svg')) {
    if (el.tagName === 'IMG') {
      if (!el.hasAttribute('alt')) out.unnamed.push(describe(el));
      continue;
    }
    if (el.closest('[aria-hidden="true"]') || el.getAttribute('aria-label')
        || el.getAttribute('aria-labelledby') || el.querySelector('title')) continue;
    out.unnamed.push(describe(el));
  }
  const chrome = document.querySelectorAll(
    'header.topbar a, header.topbar button, footer, main h1, main h2, main th, main label,'
    + ' main button, main legend, main summary, main .button');
  for (const el of chrome) {
    if (!shown(el) || el.closest('[lang="ja"]')) continue;
    out.chrome.push(el.innerText.trim());
  }
  const nav = document.querySelector('.topnav'), brand = document.querySelector('.brand');
  const box = nav.getBoundingClientRect();
  out.menu = {left: box.left, top: box.top, brandBottom: brand.getBoundingClientRect().bottom,
    outside: [...nav.querySelectorAll('a')].filter(a => shown(a)
      && a.getBoundingClientRect().right > window.innerWidth + 1).map(a => a.innerText.trim())};
  return out;
}
"""
# Text in the menu and the home tiles whose kanji stand outside <ruby> (grade-1 kanji allowed).
# The 80 kanji of grade 1 (学年別漢字配当表).
GRADE1 = (
    "一右雨円王音下火花貝学気九休玉金空月犬見五口校左三山子四糸字耳七車手十出女小上森人水正"
    "生青夕石赤千川先早草足村大男竹中虫町天田土二日入年白八百文木本名目立力林六"
)
BARE_KANJI = """
() => {
  const grade1 = new Set([...GRADE1]);
  const bare = [];
  for (const el of document.querySelectorAll('.topnav a, .tile-label')) {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let n;
    while ((n = walker.nextNode())) {
      if (n.parentElement.closest('ruby')) continue;
      const kanji = [...n.textContent].filter(c => /[\u4e00-\u9fff]/.test(c) && !grade1.has(c));
      if (kanji.length) bare.push(n.textContent.trim());
    }
  }
  return bare;
}
""".replace("GRADE1", repr(GRADE1))
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
GLOSS = re.compile(r"(?<=[A-Za-z]) \([^()]*\)")


def _data_names(world: World) -> list[str]:
    """The names that are data, not chrome: people, classes, schools (longest first)."""
    names: set[str] = set()
    for field in World.__dataclass_fields__:
        value = getattr(world, field)
        for attribute in (
            "full_name",
            "full_name_kana",
            "name",
            "family_name",
            "given_name",
            "family_name_kana",
            "given_name_kana",
            "title",
        ):
            text = getattr(value, attribute, None)
            if isinstance(text, str) and text:
                names.add(text)
    return sorted(names, key=len, reverse=True)


def _second_level(role: str, world: World) -> list[tuple[str, str]]:
    """Pages one step below the menu (a class, a learner, a person): each needs a way back."""
    klass, learner = world.homeroom.uuid, world.learner.uuid
    pages = {
        "guardian": [("learner-detail", f"/roster/learners/{learner}/")],
        "homeroom": [
            ("class-detail", f"/roster/classes/{klass}/"),
            ("learner-detail", f"/roster/learners/{learner}/"),
            ("class-sign-in", f"/accounts/classes/{klass}/sign-in/"),
            ("register", f"/attendance/classes/{klass}/register/"),
            ("class-observation", f"/attendance/classes/{klass}/observation/"),
            ("summary", f"/attendance/classes/{klass}/summary/"),
            ("guidance-learner", f"/guidance/learners/{learner}/"),
            ("group-new", f"/roster/classes/{klass}/groups/new/"),
        ],
        "nurse": [
            ("health-learner", f"/attendance/health/learners/{learner}/"),
            ("health-edit", f"/attendance/health/learners/{learner}/edit/"),
        ],
        "admin": [
            ("person-detail", f"/roster/people/{learner}/"),
            ("person-edit", f"/roster/people/{learner}/edit/"),
            ("person-new", "/roster/people/new/learner/"),
        ],
    }
    return pages.get(role, [])


def _pages_for(role: str, world: World) -> list[tuple[str, str]]:
    """(slug, url) for the home page, every in-scope menu entry the role sees, and the pages
    one step below them."""
    pages = [("home", "/")]
    for item, url in items_for(ROLES[role]):
        if item.url_name.startswith(IN_SCOPE) and not item.url_name.startswith(NOT_IN_SCOPE):
            pages.append((item.url_name.split(":", 1)[1].replace("_", "-"), url))
    return pages + _second_level(role, world)


def _cookie_context(browser: Any, live_server: Any, person: Any) -> Any:
    return signed_in_context(browser, live_server, person, timezone_id="Asia/Tokyo")


def _first_grader_context(browser: Any, live_server: Any, world: World) -> Any:
    """The young learner signs in as a first-grader would: class code, own name, three pictures."""
    accounts.picture_password_set(person=world.learner, keys=["cat", "star", "moon"], actor=SYSTEM)
    code = accounts.class_sign_in_get_or_create(school_class=world.homeroom).code
    context = browser.new_context(base_url=live_server.url, timezone_id="Asia/Tokyo")
    page = context.new_page()
    problems: list[str] = []
    page.set_viewport_size(TABLET)
    page.goto("/accounts/signin/")
    _check(page, "learner", "signin", "tablet", "ja", [], problems)
    page.get_by_role("link", name=re.compile("クラスのコード")).click()
    _check(page, "learner", "class-code", "tablet", "ja", [], problems)
    page.get_by_label(re.compile("コード")).fill(code)
    page.locator("#code-submit").click()
    page.wait_for_url(f"**/accounts/class/{code}/")
    _check(page, "learner", "class-names", "tablet", "ja", [], problems)
    page.get_by_role("link", name=re.compile(world.learner.full_name_kana.split()[0])).click()
    _check(page, "learner", "class-picture", "tablet", "ja", [], problems)
    for name in ("ねこ", "ほし", "つき"):
        page.get_by_role("button", name=name).click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("h1").count() == 1
    # the menu and the tiles carry furigana over every kanji a first-grader has not learnt
    bare = page.evaluate(BARE_KANJI)
    assert not bare, f"kanji without furigana on the young learner's home: {bare}"
    assert not problems, "\n".join(problems)
    return context


def _check(
    page: Any,
    role: str,
    slug: str,
    viewport: str,
    language: str,
    data: list[str],
    problems: list[str],
) -> None:
    found = page.evaluate(CHECKS)
    where = f"{role} {slug} {viewport} {language}"
    screenshot(page, f"tour-{role}-{slug}-{viewport}{'' if language == 'ja' else '-en'}")
    if found["h1"] != 1:
        problems.append(f"{where}: {found['h1']} <h1> elements")
    if found["lang"] != language:
        problems.append(f"{where}: <html lang={found['lang']!r}>")
    if viewport == "phone" and found["width"] > PHONE["width"] + 1:
        problems.append(f"{where}: page is {found['width']}px wide")
    menu = found["menu"]
    if viewport == "tablet" and (menu["left"] > 40 or menu["top"] < menu["brandBottom"] - 1):
        # On a tablet the menu has a full-width row of its own under the brand (a teacher's
        # 11 entries squeezed between the brand and the sign-out took three narrow rows).
        problems.append(f"{where}: menu not on its own row ({menu})")
    if viewport == "tablet" and menu["outside"]:
        problems.append(f"{where}: menu entries outside the screen {menu['outside']}")
    for kind in ("small", "unlabelled", "unnamed"):
        for entry in found[kind]:
            problems.append(f"{where}: {kind} {entry}")
    if language == "en":
        for text in found["chrome"]:
            for name in data:
                text = text.replace(name, "")
            # an official term glossed in parentheses, e.g. "Suspended (出席停止)", is deliberate
            text = GLOSS.sub("", text)
            if JAPANESE.search(text):
                problems.append(f"{where}: untranslated {text!r}")


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_in_the_menu_is_usable_on_a_phone_and_a_tablet(
    role: str, world: World, live_server: Any, browser: Any
) -> None:
    person = world.persona(PERSONA[role])
    if role == "learner":
        context = _first_grader_context(browser, live_server, world)
    else:
        context = _cookie_context(browser, live_server, person)
    data = _data_names(world)
    problems: list[str] = []
    page = context.new_page()
    try:
        for language in ("ja", "en"):
            context.add_cookies(
                [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
            )
            for slug, url in _pages_for(role, world):
                views = [("phone", PHONE)] + ([("tablet", TABLET)] if language == "ja" else [])
                for viewport, size in views:
                    page.set_viewport_size(size)
                    response = page.goto(url)
                    assert response is not None
                    if response.status != 200:
                        problems.append(f"{role} {slug}: status {response.status}")
                        continue
                    _check(page, role, slug, viewport, language, data, problems)
                    if (
                        slug in dict(_second_level(role, world))
                        and not page.locator(
                            "main a.back, main a[href$='/attendance/morning/']"
                        ).count()
                    ):
                        problems.append(f"{role} {slug}: no way back")
    finally:
        context.close()
    assert not problems, "\n".join(problems)
