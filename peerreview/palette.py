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
#: The region's heatmap: light yellow (low) to teal (high), every shade light enough that the dark number printed
#: in the cell keeps a contrast of at least 4.5:1 (tests/test_charts.py checks the whole scale); the colour never
#: carries the score alone, the number does.
HEAT_SCALE = [[0.0, "#ffffd9"], [0.5, "#c7e9b4"], [1.0, "#41b6c4"]]
HEAT_TEXT_COLOUR = "#1b1b1b"

SELF_NAME = "Zelfevaluatie"
PEER_NAME = "Peer team"
