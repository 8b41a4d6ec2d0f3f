export declare const BROWSER_CANDIDATES: readonly string[];
export declare function findBrowser(env?: Record<string, string | undefined>): string;
export declare function isBrandedChrome(path: string): boolean;
