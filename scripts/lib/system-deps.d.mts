export type ToolName = 'chromium' | 'openssl' | 'radicale';
type Env = Record<string, string | undefined>;
export declare const TOOLS: Record<ToolName, { pkg: string; envVar?: string; find(env: Env): string | null; elsewhere: string }>;
export declare const NEEDS: Record<'test' | 'unit' | 'contract' | 'e2e' | 'browser', ToolName[]>;
export declare function onPath(name: string, env?: Env): string | null;
export declare function findMissing(names: ToolName[], env?: Env): ToolName[];
export declare function aptCommand(missing: ToolName[], options?: { isRoot?: boolean }): string;
export type SystemDepsPlan =
  { action: 'none' } | { action: 'install'; packages: string[]; sudo: boolean } | { action: 'manual'; command?: string; message: string };
export declare function planSystemDeps(input: {
  missing: ToolName[];
  isRoot: boolean;
  hasSudo: boolean;
  hasApt: boolean;
  noInstall?: boolean;
}): SystemDepsPlan;
export declare function missingToolMessage(name: ToolName, env?: Env): string;
export declare function requireTool(name: ToolName, env?: Env): string;
export declare function ensureSystemDeps(
  names: ToolName[],
  options?: { env?: Env; purpose?: string },
): { ok: true; installed: { name: ToolName; pkg: string; version: string; path: string }[] } | { ok: false; message: string };
