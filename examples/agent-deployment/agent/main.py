"""A stand-in for the research agent's entry point (the demo only scans its deployment)."""
print("research-agent: ready")
