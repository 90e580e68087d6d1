"""Running citebot for real: reports on what readers asked, health and metrics, reloads."""
