"""What a stepper page is: its dimension, its deep-link rules and its declared session state."""

from __future__ import annotations

from dataclasses import dataclass

from ui import pages
from ui.kit.data_picker import DataState
from ui.kit.links import LinkState
from ui.kit.session import Family, Field
from ui.kit.stepping import SteppingState
from ui.kit.view_settings import LinkSpec, ViewSettings, stepper_link_spec
from ui.rooms.panel import RoomSessionState

# The name of the EM run's track in the stepping state.
TRACK = "em"


class StepperState(DataState, SteppingState, RoomSessionState, LinkState):
    """Everything a stepper page keeps for a session (widget values and their companions).

    RoomSessionState: presenting a room (its code, and the presenter token, which lives only
    here and never in a URL) or following one (ui/rooms/panel.py).
    """

    # The model (reg, tol and means are text boxes: bad text is reported, not lost).
    k = Field(int, 3)
    cov = Field(str, "full")
    init = Field(str, "k-means++")
    means = Field(str, "")
    seed = Field(int, 0)
    reg = Field(str, "1e-06")
    tol = Field(str, "0.001")
    max_iter = Field(int, 100)
    # Display.
    hard_labels = Field(bool, False)
    density = Field(bool, False)
    ellipses = Field(str, "sigma")          # "sigma": 1σ and 2σ; "coverage": 50 % and 95 %
    # The view of the half-step.
    figure = Field(object, None)            # the main chart's selection state (probe clicks)
    panels = Field(list, list)              # "The numbers", "The formulas"
    followed = Field(str, "")               # points to follow, as typed
    probe_on = Field(bool, False)
    probe = Family(float, 0.0)              # coordinate -> the probe point's value
    probe_bars = Field(object, None)
    worked_component = Family(int, 0)       # K -> the component of the worked M-step
    all_formulas = Field(bool, False)
    # The means picker.
    means_picker = Field(object, None)      # the picker chart's selection state
    means_picker_problem = Field(str, "")
    means_undo = Field(bool, False)
    means_clear = Field(bool, False)
    # Lesson buttons.
    lesson = Family(bool, False)            # lesson name -> its button
    # Download buttons.
    download = Family(bool, False)          # file kind -> its button


@dataclass(frozen=True)
class StepperPage:
    """One stepper page: its dimension, the registry entry, the deep-link rules, its state."""

    n_features: int
    page: pages.Page
    spec: LinkSpec
    state: StepperState

    def settings_defaults(self) -> ViewSettings:
        return ViewSettings(dataset=self.spec.default_dataset)


def stepper_page(n_features: int) -> StepperPage:
    """The 1-D (n_features=1) or 2-D (n_features=2) stepper page."""
    return StepperPage(n_features, pages.stepper(n_features), stepper_link_spec(n_features),
                       StepperState(f"em{n_features}d"))
