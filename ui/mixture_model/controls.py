"""The mixture a student sets (a preset, K, per-component sliders), the sample drawn from it
(n, seed), and the page's link that holds both.

Each block draws its widgets and returns what the rest of the page needs; the state lives in
:data:`ui.mixture_model.state.STATE`.
"""

from __future__ import annotations

import streamlit as st

from gmm_core import generative
from gmm_core.datasets import Dataset
from gmm_core.generative import MixtureSpec
from ui.figures.common import component_hex
from ui.kit import links as kit_links
from ui.kit.text import subscript
from ui.mixture_model import links
from ui.mixture_model.defaults import DEFAULT_N, DEFAULT_SEED, DEFAULT_SPEC
from ui.mixture_model.state import STATE

# (field of ComponentSpec, slider label, step); the ranges are the spec's own bounds.
COMPONENT_FIELDS = (
    ("weight", "weight π (relative)", 0.05),
    ("mean_x", "mean x", 0.5),
    ("mean_y", "mean y", 0.5),
    ("std_x", "std x", 0.1),
    ("std_y", "std y", 0.1),
    ("correlation", "correlation ρ", 0.05),
)
FIELD_RANGES = {
    "weight": (generative.WEIGHT_MIN, generative.WEIGHT_MAX),
    "mean_x": (-generative.MEAN_LIMIT, generative.MEAN_LIMIT),
    "mean_y": (-generative.MEAN_LIMIT, generative.MEAN_LIMIT),
    "std_x": (generative.STD_MIN, generative.STD_MAX),
    "std_y": (generative.STD_MIN, generative.STD_MAX),
    "correlation": (-generative.CORRELATION_LIMIT, generative.CORRELATION_LIMIT),
}


def component_key(component: int, field: str) -> str:
    """The widget key of one component's slider (component counts from 0)."""
    return STATE.component.key(f"{component}.{field}")


# --- the mixture in the widgets' state ----------------------------------------------------------


def _set_spec_state(spec: MixtureSpec) -> None:
    """Put a spec into the sliders' state (before the sliders are drawn)."""
    STATE.k = spec.n_components
    for component, values in enumerate(spec.components):
        for (field, _label, _step), value in zip(COMPONENT_FIELDS, values.values(), strict=True):
            STATE.component[f"{component}.{field}"] = float(value)


def _ensure_component_defaults(n_components: int) -> None:
    """Components that appear when K grows start at a spare layout instead of on top of another."""
    for component in range(n_components):
        spare = generative.SPARE_COMPONENTS[component]
        for (field, _label, _step), value in zip(COMPONENT_FIELDS, spare.values(), strict=True):
            STATE.component.setdefault(f"{component}.{field}", float(value))


def _apply_preset() -> None:
    _set_spec_state(generative.PRESET_SPECS[STATE.preset][1])


def ensure_defaults() -> None:
    """The first visit: the default preset in the sliders, the default n and seed."""
    STATE.set_default("n", DEFAULT_N)
    STATE.set_default("seed", DEFAULT_SEED)
    if not STATE.is_set("k"):
        STATE.preset = generative.DEFAULT_PRESET
        _set_spec_state(DEFAULT_SPEC)


def _apply_link(query: dict[str, str]) -> tuple[str, ...]:
    """Write a new link's spec, n and seed into the widgets; return its problems."""
    link = links.read_generated_query(query, DEFAULT_SPEC, DEFAULT_N, DEFAULT_SEED)
    if "spec" in link.present:
        _set_spec_state(link.spec)
    if "n" in link.present:
        STATE.n = link.n_samples
    if "seed" in link.present:
        STATE.seed = link.seed
    return link.problems


def load_link() -> None:
    """Apply the address bar's link when it is new (before any widget is drawn)."""
    ensure_defaults()
    kit_links.load_link(STATE, _apply_link)


def link_problems(spec: MixtureSpec, n_samples: int, seed: int) -> None:
    """The one warning box for a link's bad values, while the view is still the link's."""
    kit_links.problem_banner(STATE, links.page_query(spec, n_samples, seed))


def write_link(spec: MixtureSpec, n_samples: int, seed: int) -> None:
    """Keep the URL equal to the mixture on screen, so a bookmark reopens this very sample."""
    kit_links.write_link(STATE, links.page_query(spec, n_samples, seed))


# --- the widgets ---------------------------------------------------------------------------------


def mixture_controls() -> MixtureSpec:
    """K, a preset and per-component sliders; returns the mixture they describe."""
    st.selectbox(
        "Start from a preset mixture",
        options=list(generative.PRESET_SPECS),
        format_func=lambda key: generative.PRESET_SPECS[key][0],
        key=STATE.key("preset"),
        on_change=_apply_preset,
        help="Loads the preset into the sliders below; then change anything you like.",
    )
    n_components = st.slider("Number of components K", 1, generative.MAX_COMPONENTS,
                             key=STATE.key("k"))
    _ensure_component_defaults(n_components)
    tabs = st.tabs([f"Component {k + 1}" for k in range(n_components)])
    rows = []
    for component, tab in enumerate(tabs):
        with tab:
            st.markdown(
                f"<span style='color:{component_hex(component)}; font-size:1.4em'>●</span> "
                f"component {component + 1}", unsafe_allow_html=True,
            )
            row = []
            columns = st.columns(2)
            for position, (field, label, step) in enumerate(COMPONENT_FIELDS):
                low, high = FIELD_RANGES[field]
                with columns[position % 2]:
                    row.append(st.slider(label, float(low), float(high), step=step,
                                         key=component_key(component, field)))
            rows.append(row)
    try:
        spec = generative.spec_from_rows(rows)
    except ValueError as problem:
        # Only reachable if the sliders and the spec's bounds ever disagree.
        st.error(f"This mixture cannot be used: {problem}. Load a preset to start again.")
        spec = DEFAULT_SPEC
    weights = ", ".join(f"π{subscript(k + 1)} = {w:.2f}" for k, w in enumerate(spec.weights))
    st.caption(f"The weights, normalised to sum to 1: {weights}.")
    return spec


def sample_controls() -> tuple[int, int]:
    """The sample size and the seed of the random draws; returns (n, seed)."""
    left, right = st.columns(2)
    with left:
        n_samples = st.number_input(
            "Points to draw n", min_value=generative.SAMPLE_MIN,
            max_value=generative.SAMPLE_MAX, step=50, key=STATE.key("n"),
        )
    with right:
        seed = st.number_input(
            "Random seed", min_value=0, max_value=generative.SEED_MAX, step=1,
            key=STATE.key("seed"),
            help="The same mixture, n and seed always give the same points.",
        )
    return int(n_samples), int(seed)


@st.cache_data(max_entries=64, show_spinner=False)
def cached_sample(encoded_spec: str, n_samples: int, seed: int) -> Dataset:
    """The sample of (spec, n, seed), shared by every session that asks for the same."""
    return generative.sample_spec(generative.decode_spec(encoded_spec), n_samples, seed)
