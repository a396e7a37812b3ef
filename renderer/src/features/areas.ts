import type { FeatureArea } from './registry';
import { enterpriseArea } from './enterprises';
import { sanctionsArea, systemArea } from './system';
import { trainingArea } from './training';

// Each domain area adds one import and one entry here.
export const AREAS: FeatureArea[] = [enterpriseArea, trainingArea, sanctionsArea, systemArea].sort((a, b) => a.order - b.order);
