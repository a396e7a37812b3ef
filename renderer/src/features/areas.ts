import type { FeatureArea } from './registry';
import { enterpriseArea } from './enterprises';
import { sanctionsArea, systemArea } from './system';
import { trainingArea } from './training';
import { exhibitionArea } from './exhibitions';
import { townArea } from './towns';
import { exchangeArea } from './exchange';

// Each domain area adds one import and one entry here.
export const AREAS: FeatureArea[] = [enterpriseArea, townArea, trainingArea, exhibitionArea, exchangeArea, sanctionsArea, systemArea].sort((a, b) => a.order - b.order);
