import type { CargoCommandSpec } from '../config/types';

/** cargo's argument list for a configured command; always per-crate (`-p`). */
export function cargoArgs(spec: CargoCommandSpec, defaultCrate: string): string[] {
  const args = [spec.command, '-p', spec.package ?? defaultCrate];
  if (spec.test) args.push('--test', spec.test);
  if (spec.example) args.push('--example', spec.example);
  return [...args, ...(spec.args ?? [])];
}

/** The command as a user would type it: `cargo test -p openvm-metal-backend --test ntt_roundtrip`. */
export function cargoCommandLine(spec: CargoCommandSpec, defaultCrate: string): string {
  return ['cargo', ...cargoArgs(spec, defaultCrate)].join(' ');
}
