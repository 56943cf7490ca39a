/** Custom states (`:state(busy)`) from one record, as an element's `updated()` sets them after each render. */
export function setStates(internals: ElementInternals, states: Record<string, boolean>): void {
  // CustomStateSet is missing from older engines: there the states are simply not set.
  const set = internals.states as Set<string> | undefined;
  for (const [name, on] of Object.entries(states)) {
    if (on) set?.add(name);
    else set?.delete(name);
  }
}
