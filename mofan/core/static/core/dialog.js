// dialog: behaviour declared with data attributes (no inline script).
