//! Business hours, holidays and the SLA clock (pure, no IO).
