"""Stations: where work waits for people (a pool of servers and its queue, the contact centre).

Unlike ``cxsim.mechanisms`` (pure formulas), stations hold state: who is idle, what waits, and
the running statistics of the contact queue.
"""
