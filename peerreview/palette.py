"""How the series look on every chart, on the web pages (plotly) and in the PDF (reportlab): one palette, safe for
colour-blind readers (Okabe-Ito), and the series' names."""

from __future__ import annotations

SELF_COLOUR = "#E69F00"  # orange
PEER_COLOUR = "#0072B2"  # blue
OVER_COLOUR = "#D55E00"  # vermillion
UNDER_COLOUR = "#009E73"  # bluish green
TARGET_COLOUR = "#CC79A7"  # reddish purple
BAND_COLOUR = "rgba(0, 114, 178, 0.25)"
NEUTRAL_COLOUR = "#6b6b6b"
GRID_COLOUR = "#e5e5e5"

SELF_NAME = "Zelfevaluatie"
PEER_NAME = "Peer team"
