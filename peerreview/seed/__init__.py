"""Data for local work, demos and screenshots."""


DEMO_DOMAIN = "demo.peerreview.nl"


def demo_email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"
