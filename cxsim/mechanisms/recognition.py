"""Recognition of returning customers: the agent knows who is calling and what they prefer.

Seed 000: "Personalised recognition: check if the customer is returning, greet repeat
customers by name and recall their preferences"; seed 003: "personalize the experience". An
agent can only recognise a customer whose history they can see: on the shared customer record,
or as the owner of the customer's case (``frontline.case_ownership``). A recognised contact
needs no retelling (the record or the owner already has the story), and the end of the case, a
routine request done or a problem put right, feels more personal: it closes a share
``customer_recognition.lift`` of the way to full satisfaction. No published figure gives the
size of that lift; it is an assumption.
"""

from __future__ import annotations

__all__ = ["recognised_end"]


def recognised_end(end: float, lift: float) -> float:
    """The end of a case handled by someone who knew the customer: ``end + lift * (1 - end)``."""
    return end + lift * (1.0 - end)
