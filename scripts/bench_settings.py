"""Settings for `make bench`: the production settings plus one page, the floor.

The floor is a static page of 20 table rows rendered through base.html, as
every portal page is. It exists only here, so production URLs stay clean.
"""

from traces.settings import *  # noqa: F403
from traces.settings import BASE_DIR, TEMPLATES

ROOT_URLCONF = "scripts.bench_urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "scripts" / "bench_templates"]
