/** A bounded ring of items in arrival order: the newest `capacity` are kept. */
export class Ring<T> {
  private items: T[] = [];
  private head = 0;
  /** Items pushed out by newer ones since creation. */
  evicted = 0;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    if (this.items.length < this.capacity) this.items.push(item);
    else {
      this.items[this.head] = item;
      this.head = (this.head + 1) % this.capacity;
      this.evicted++;
    }
  }

  /** The newest `n` items (all by default), oldest first. */
  last(n = this.items.length): T[] {
    const all = this.head === 0 ? this.items.slice() : [...this.items.slice(this.head), ...this.items.slice(0, this.head)];
    return n >= all.length ? all : all.slice(all.length - n);
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}
