"""The organisation's parts, each owning its own state and handed to the agents that need it.

``ServiceOrganisation`` (``cxsim.model``) wires them and runs the day; see docs/architecture.md.
"""
