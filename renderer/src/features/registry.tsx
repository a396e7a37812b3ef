import type { ReactNode } from 'react';

/** One entry per screen; each domain area exports its own list from features/<area>/index.tsx. */
export interface RouteDef {
  /** Hash path pattern, e.g. '/towns/:id'. */
  pattern: string;
  render(params: Record<string, string>): ReactNode;
  min?: 'clerk' | 'reviewer' | 'admin';
  /** Print views render without the app shell (menu, header), ready for 打印 / PDF. */
  bare?: boolean;
}

export interface MenuDef {
  key: string;
  icon?: ReactNode;
  label: string;
  min?: 'clerk' | 'reviewer' | 'admin';
  children?: MenuDef[];
}

export interface FeatureArea {
  /** Sort order in the side menu. */
  order: number;
  menu: MenuDef;
  routes: RouteDef[];
}
