"""Issue 13, item 13: the README stands alone in a clone."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
SETTINGS = (ROOT / "traces" / "settings.py").read_text(encoding="utf-8")


def test_every_link_of_the_readme_is_in_the_repository_or_on_the_web():
    targets = re.findall(r"\]\(([^)\s]+)\)", README) + re.findall(r"`(\.\./[^`]*)`", README)
    for target in targets:
        if re.match(r"https?://", target):
            continue
        assert not target.startswith(("..", "/")), target
        assert (ROOT / target.split("#")[0]).exists(), target
    assert "../shared" not in README


def test_it_says_how_to_get_past_the_code_and_where_the_password_link_is():
    assert "CAPTCHA_TEST_MODE=on" in README and "`PASSED`" in README
    assert "refuses to start while it is on" in README
    assert "Set the password of your TRACES account" in README
    assert "console" in README


def test_its_make_serve_paragraph_matches_the_settings():
    # DEBUG off: the three required settings, and the mail default the settings use.
    assert 'if not DEBUG and not env.str("DATABASE_URL"' in SETTINGS
    assert '"smtp://localhost:25"' in SETTINGS
    serve = README[README.index("**One machine.**") : README.index("**Past one machine.**")]
    for words in [
        "`SECRET_KEY`, `ALLOWED_HOSTS` and `DATABASE_URL`",
        "`smtp://localhost:25`",
        "`DEFAULT_FROM_EMAIL`",
        "HTTPS_ONLY=off",
        "CAPTCHA_TEST_MODE=on",
    ]:
        assert words in serve, words
    assert "make run" in README and "make test" in README
