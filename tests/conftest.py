"""Suite-wide test configuration."""

from __future__ import annotations

import os

from hypothesis import settings

# Under CI the property tests explore the same examples on every run, so a red build is
# reproducible and never a coin toss; locally they keep searching new examples.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None, print_blob=True)
# `make test-fast`: the edit-run loop, a few examples per property (HYPOTHESIS_PROFILE=fast).
settings.register_profile("fast", max_examples=10, deadline=None, print_blob=True)
settings.load_profile(
    os.getenv("HYPOTHESIS_PROFILE") or ("ci" if os.getenv("CI") == "true" else "dev")
)
