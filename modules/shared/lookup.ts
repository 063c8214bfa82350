/** Returns `map.get(name)`, or throws an error that lists the names there are. */
export function lookup<T>(map: ReadonlyMap<string, T>, name: string, owner: string, what: string): T {
  const value = map.get(name);
  if (value === undefined) {
    const known = [...map.keys()].map((n) => `"${n}"`).join(", ") || "none";
    throw new Error(`${owner}: no ${what} "${name}"; known: ${known}.`);
  }
  return value;
}
