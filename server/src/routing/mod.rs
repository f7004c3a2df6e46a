//! Queue priority and routing strategies (pure, no IO).
