"""The workshop demo: live levers and charts in the browser (Mesa SolaraViz)."""
