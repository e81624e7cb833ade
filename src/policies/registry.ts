// Prefetch policy registry: names, the ids both cores dispatch on, and parameters
// with their defaults. A policy is one file in each core (assembly/policies/NAME.ts,
// src/core/reference-policies/NAME.ts), one case in each core's dispatch, and one
// entry here.

export interface PolicyParam {
  name: string;
  default: number;
  description: string;
}

export interface PolicyInfo {
  name: string;
  /** id written into P_POLICY; the cores dispatch on it */
  id: number;
  description: string;
  /** in P_POLICY_BASE order */
  params: PolicyParam[];
}

export const policies: Record<string, PolicyInfo> = {
  none: { name: "none", id: 0, description: "demand paging: fetch only the faulting page", params: [] },
};

export function policyNames(): string[] {
  return Object.keys(policies);
}

/** The policy's parameter vector: defaults, overridden by name. */
export function policyParamVector(info: PolicyInfo, overrides: Record<string, number> = {}): number[] {
  for (const key of Object.keys(overrides)) {
    if (!info.params.some((p) => p.name === key)) {
      const known = info.params.map((p) => p.name).join(", ") || "none";
      throw new Error(`policy ${info.name} has no parameter "${key}" (it has: ${known})`);
    }
  }
  return info.params.map((p) => overrides[p.name] ?? p.default);
}
