// A minimal observable holder of the TUI state: the controller dispatches actions, the view
// subscribes and re-renders. Kept apart from React so the controller is tested without it.

import { initialState, reduce, type TuiAction, type TuiState } from "./state.js";

export class Store {
  private current: TuiState;
  private readonly listeners = new Set<(s: TuiState) => void>();

  constructor(state: TuiState = initialState) {
    this.current = state;
  }

  get state(): TuiState {
    return this.current;
  }

  dispatch(action: TuiAction): void {
    const next = reduce(this.current, action);
    if (next === this.current) return;
    this.current = next;
    for (const l of this.listeners) l(next);
  }

  subscribe(listener: (s: TuiState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
