"""The page's links, pure: reading ``spec``, ``n`` and ``seed`` from a query, writing them back,
and the hand-off link that opens the 2-D stepper on the sample drawn here.

A link is user input: :func:`read_generated_query` never raises; a bad value takes its default
and adds one plain sentence to ``problems`` (escaped where it is shown).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from gmm_core import generative
from gmm_core.generative import MixtureSpec
from ui.kit.links import clean_query, parse_int
from ui.mixture_model.defaults import DEFAULT_N, DEFAULT_SEED, DEFAULT_SPEC
from ui.pages import EM_2D, MIXTURE_MODEL

# The parameters of this page's own links.
PAGE_PARAMETERS = ("spec", "n", "seed")
# The page the sample is handed to.
STEPPER_PAGE = EM_2D
# The anchor of the section "Why EM climbs".
ANCHOR = "why-em-climbs"


@dataclass(frozen=True)
class GeneratedQuery:
    """The mixture part of a link, validated: spec, n, seed, and one sentence per problem.

    present: the parameters the link gave (a missing one keeps what the page shows).
    """

    spec: MixtureSpec
    n_samples: int
    seed: int
    problems: tuple[str, ...]
    present: frozenset[str] = frozenset()


def read_generated_query(query: Mapping[str, object], default_spec: MixtureSpec,
                         default_n: int, default_seed: int) -> GeneratedQuery:
    """Read ``spec``, ``n`` and ``seed`` from a link; never raises.

    query: parameter name -> value (a string, or a list whose last string counts). A missing
    value takes its default silently; a bad one takes its default and adds a problem sentence;
    a parameter this page does not know, or an over-long value, is reported and ignored.
    """
    problems: list[str] = []
    raw = clean_query(query, PAGE_PARAMETERS, problems)
    spec = default_spec
    if "spec" in raw:
        try:
            spec = generative.decode_spec(raw["spec"])
        except ValueError as problem:
            problems.append(f"spec: {problem}; using the default mixture")
    n_samples, seed = default_n, default_seed
    if "n" in raw:
        n_samples, problem = parse_int("n", raw["n"], generative.SAMPLE_MIN,
                                       generative.SAMPLE_MAX, default_n)
        problems.extend([problem] if problem else [])
    if "seed" in raw:
        seed, problem = parse_int("seed", raw["seed"], 0, generative.SEED_MAX, default_seed)
        problems.extend([problem] if problem else [])
    return GeneratedQuery(spec, n_samples, seed, tuple(problems), frozenset(raw))


def page_query(spec: MixtureSpec, n_samples: int, seed: int) -> dict[str, str]:
    """This page's link to the mixture and sample on screen."""
    return {"spec": generative.encode_spec(spec), "n": str(int(n_samples)),
            "seed": str(int(seed))}


def why_em_climbs_link() -> str:
    """The address of the section "Why EM climbs", relative to the app's root, for the
    steppers' formulas. It names the page's first view in full: a link without a query would
    be rewritten to the view's query on arrival, which drops the #anchor before the browser
    scrolls to it."""
    return MIXTURE_MODEL.link(page_query(DEFAULT_SPEC, DEFAULT_N, DEFAULT_SEED)) + "#" + ANCHOR


def stepper_query(spec: MixtureSpec, n_samples: int, seed: int) -> dict[str, str]:
    """Query parameters that open the 2-D EM stepper on exactly this sample, with K = true K."""
    generative.check_sample_size(n_samples, seed)
    return {
        "dataset": generative.GENERATED_DATASET,
        "spec": generative.encode_spec(spec),
        "n": str(int(n_samples)),
        # dseed is the stepper's data seed; its `seed` is EM's starting seed.
        "dseed": str(int(seed)),
        "k": str(spec.n_components),
    }


def stepper_link(spec: MixtureSpec, n_samples: int, seed: int) -> str:
    """The 2-D stepper's address with this sample, relative to the app's root."""
    return STEPPER_PAGE.link(stepper_query(spec, n_samples, seed))
