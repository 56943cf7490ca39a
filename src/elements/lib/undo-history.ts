/** Undo and redo as two bounded stacks of snapshots; the caller decides what a snapshot is. */

/** Linear undo history: a new action after some undos drops the redo stack, as editors do. */
export class UndoHistory<T> {
  readonly #limit: number;
  #undo: T[] = [];
  #redo: T[] = [];

  constructor(limit = 50) {
    this.#limit = limit;
  }

  /** Records the state before an action. */
  push(before: T): void {
    this.#undo.push(before);
    if (this.#undo.length > this.#limit) this.#undo.shift();
    this.#redo = [];
  }

  /** Returns the state to go back to, recording `current` for redo; undefined when there is nothing to undo. */
  undo(current: T): T | undefined {
    const previous = this.#undo.pop();
    if (previous !== undefined) this.#redo.push(current);
    return previous;
  }

  /** Returns the state to go forward to, recording `current` for undo; undefined when there is nothing to redo. */
  redo(current: T): T | undefined {
    const next = this.#redo.pop();
    if (next !== undefined) this.#undo.push(current);
    return next;
  }

  /** Whether undo would do anything. */
  get canUndo(): boolean {
    return this.#undo.length > 0;
  }

  /** Whether redo would do anything. */
  get canRedo(): boolean {
    return this.#redo.length > 0;
  }

  /** Forgets everything (a new image makes old masks meaningless). */
  reset(): void {
    this.#undo = [];
    this.#redo = [];
  }
}
