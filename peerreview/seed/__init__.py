"""Data for local work, demos and screenshots."""
