"""The component colours stay apart for colour-blind students (issue #14).

Each colour is passed through Machado, Oliveira & Fernandes' (2009) simulation of protanopia,
deuteranopia and tritanopia at severity 1 (the complete dichromacies; the matrices act on linear
sRGB) and compared with every other colour in CIELAB by CIEDE2000.

The threshold, ΔE00 >= 10, and why:
- ΔE00 ≈ 1 is a just-noticeable difference between two large patches side by side. The app's
  colours are small markers and thin lines, seen from the back of a hall and not side by side:
  Stone, Szafir & Setlur (2014, "An engineering model for color difference as a function of
  size") measured that the difference needed to tell colours apart grows several-fold as marks
  shrink to a few pixels. A bar of a few units would pass colours nobody can tell apart in a
  scatter plot.
- Okabe & Ito's palette, designed for colour-blind readers and the first eight colours here,
  comes out at 10.9 at worst (orange against reddish purple for a tritanope). 10 is the bar that
  the reference palette for colour-blind readers clears; a stricter bar would reject it, a
  looser one would have passed Tol's olive, which the palette had as its tenth colour: 5.1 from
  the vermilion for a deuteranope, 6.1 from the orange for a protanope.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from ui.figures.common import (
    PALETTE_HEX,
    PALETTE_NAMES,
    UNASSIGNED_HEX,
    component_colour_name,
    component_hex,
)
from ui.kit.view_settings import K_MAX

THRESHOLD = 10.0

# Machado et al. (2009), severity 1.0: rows give the simulated linear R, G, B from linear R, G, B.
MACHADO_2009 = {
    "normal vision": np.eye(3),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779],
                            [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}
# Linear sRGB to CIE XYZ (D65), and the D65 white.
SRGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                        [0.2126729, 0.7151522, 0.0721750],
                        [0.0193339, 0.1191920, 0.9503041]])
WHITE_XYZ = SRGB_TO_XYZ @ np.ones(3)


def linear_rgb(code: str) -> np.ndarray:
    """'#RRGGBB' as linear sRGB (3,) in [0, 1]."""
    channels = np.array([int(code[i:i + 2], 16) / 255.0 for i in (1, 3, 5)])
    return np.where(channels <= 0.04045, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)


def lab(linear: np.ndarray) -> np.ndarray:
    """Linear sRGB (3,) (clipped to the gamut, as a screen shows it) as CIELAB (3,), D65."""
    xyz = SRGB_TO_XYZ @ np.clip(linear, 0.0, 1.0) / WHITE_XYZ
    delta = 6 / 29
    f = np.where(xyz > delta**3, np.cbrt(xyz), xyz / (3 * delta**2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def ciede2000(lab1: np.ndarray, lab2: np.ndarray) -> float:
    """The CIEDE2000 colour difference of two CIELAB colours (Sharma, Wu & Dalal, 2005)."""
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    c_mean = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_mean**7 / (c_mean**7 + 25.0**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360
    delta_l, delta_c = l2 - l1, c2p - c1p
    if c1p * c2p == 0:
        delta_h_angle, h_mean = 0.0, h1p + h2p
    else:
        delta_h_angle = h2p - h1p
        if delta_h_angle > 180:
            delta_h_angle -= 360
        elif delta_h_angle < -180:
            delta_h_angle += 360
        if abs(h1p - h2p) <= 180:
            h_mean = (h1p + h2p) / 2
        elif h1p + h2p < 360:
            h_mean = (h1p + h2p + 360) / 2
        else:
            h_mean = (h1p + h2p - 360) / 2
    delta_h = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(delta_h_angle) / 2)
    l_mean, cp_mean = (l1 + l2) / 2, (c1p + c2p) / 2
    t = (1 - 0.17 * np.cos(np.radians(h_mean - 30)) + 0.24 * np.cos(np.radians(2 * h_mean))
         + 0.32 * np.cos(np.radians(3 * h_mean + 6)) - 0.20 * np.cos(np.radians(4 * h_mean - 63)))
    rotation = 30 * np.exp(-(((h_mean - 275) / 25) ** 2))
    r_c = 2 * np.sqrt(cp_mean**7 / (cp_mean**7 + 25.0**7))
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / np.sqrt(20 + (l_mean - 50) ** 2)
    s_c = 1 + 0.045 * cp_mean
    s_h = 1 + 0.015 * cp_mean * t
    r_t = -np.sin(np.radians(2 * rotation)) * r_c
    return float(np.sqrt((delta_l / s_l) ** 2 + (delta_c / s_c) ** 2 + (delta_h / s_h) ** 2
                         + r_t * (delta_c / s_c) * (delta_h / s_h)))


def seen(code: str, vision: str) -> np.ndarray:
    """What a viewer with ``vision`` sees of colour ``code``, in CIELAB."""
    return lab(MACHADO_2009[vision] @ linear_rgb(code))


def difference(first: str, second: str, vision: str) -> float:
    return ciede2000(seen(first, vision), seen(second, vision))


# --- the tools, checked against published values -----------------------------------------------


@pytest.mark.parametrize(("lab1", "lab2", "expected"), [
    # Sharma, Wu & Dalal (2005), table 1: pairs 1, 7, 17 and 25.
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
])
def test_ciede2000_matches_sharma_s_test_data(lab1, lab2, expected):
    assert ciede2000(np.array(lab1), np.array(lab2)) == pytest.approx(expected, abs=1e-4)


def test_lab_of_the_srgb_primaries_and_white():
    assert lab(linear_rgb("#FFFFFF")) == pytest.approx([100.0, 0.0, 0.0], abs=1e-3)
    assert lab(linear_rgb("#FF0000")) == pytest.approx([53.24, 80.09, 67.20], abs=0.05)
    assert lab(linear_rgb("#0000FF")) == pytest.approx([32.30, 79.19, -107.86], abs=0.05)


@pytest.mark.parametrize("vision", sorted(MACHADO_2009))
def test_the_simulations_keep_greys_grey(vision):
    """Machado's matrices map white to white (rows sum to 1): dichromats see greys as greys."""
    assert MACHADO_2009[vision].sum(axis=1) == pytest.approx(np.ones(3), abs=1e-5)


def test_each_simulation_confuses_what_its_deficiency_confuses():
    """The simulation does what it is for. Tol's olive (the palette's old tenth colour) is far
    from the vermilion for normal vision and a tritanope but close for a deuteranope, and from
    the orange for a protanope; blue and bluish green are close only for a tritanope."""
    olive, vermilion, orange, blue, bluish_green = (
        "#999933", "#D55E00", "#E69F00", "#0072B2", "#009E73")
    assert difference(olive, vermilion, "normal vision") > 30
    assert difference(olive, vermilion, "tritanopia") > 20
    assert difference(olive, vermilion, "deuteranopia") < 6
    assert difference(olive, orange, "protanopia") < 7
    assert difference(blue, bluish_green, "tritanopia") < 13
    assert min(difference(blue, bluish_green, vision)
               for vision in ("normal vision", "protanopia", "deuteranopia")) > 30


# --- the app's colours -------------------------------------------------------------------------


def test_every_component_the_app_can_draw_has_its_own_colour_and_name():
    assert len(PALETTE_HEX) >= K_MAX, "a K the app offers would reuse a component's colour"
    assert len(set(PALETTE_HEX[:K_MAX])) == K_MAX
    assert len(PALETTE_NAMES) == len(PALETTE_HEX) == len(set(PALETTE_NAMES))
    assert [component_colour_name(k) for k in range(K_MAX)] == list(PALETTE_NAMES[:K_MAX])
    # The steppers' promise: component k has the same colour on every step, and unassigned
    # points (before the first E-step) are grey, not a component's colour.
    assert [component_hex(k) for k in range(K_MAX)] == list(PALETTE_HEX[:K_MAX])
    assert UNASSIGNED_HEX == "#9E9E9E" and UNASSIGNED_HEX not in PALETTE_HEX


@pytest.mark.parametrize("vision", sorted(MACHADO_2009))
def test_every_pair_of_component_colours_stays_apart(vision):
    colours = PALETTE_HEX[:K_MAX]
    pairs = sorted((difference(colours[i], colours[j], vision), i, j)
                   for i, j in itertools.combinations(range(len(colours)), 2))
    closest = ", ".join(f"{PALETTE_NAMES[i]}/{PALETTE_NAMES[j]} {value:.1f}"
                        for value, i, j in pairs[:3])
    grey = min((difference(UNASSIGNED_HEX, code, vision), k) for k, code in enumerate(colours))
    # Shown with -s: the closest pairs, and the component nearest the grey of unassigned points
    # (never drawn at the same time as the components' colours on points).
    print(f"{vision}: closest pairs (ΔE00) {closest}; nearest to the unassigned grey: "
          f"{PALETTE_NAMES[grey[1]]} {grey[0]:.1f}")
    too_close = [(PALETTE_NAMES[i], PALETTE_NAMES[j], round(value, 1))
                 for value, i, j in pairs if value < THRESHOLD]
    assert too_close == [], f"{vision}: colours closer than ΔE00 {THRESHOLD}"

