import * as v from 'valibot';
import { expect, test } from 'vitest';
import { bcratConstants, type BcratConstants } from '../../../functions/risk-models/bcrat-constants.ts';
import { ConstantsSchema } from '../../../functions/risk-models/bcrat-constants.schema.ts';
import designCopy from '../../fixtures/domain/bcrat-constants.json' with { type: 'json' };
import runtimeCopy from '../../../functions/risk-models/data/bcrat-constants.json' with { type: 'json' };

// The constants are not validated at each cold start: the data file is bundled, so these checks of the file the
// bundle carries are what stands between a damaged file and wrong risks.
test("the bundled BCRAT constants have the shape the model relies on and are the design's values", () => {
  const checked: BcratConstants = v.parse(ConstantsSchema, bcratConstants);
  expect(checked.incidence).toEqual(bcratConstants.incidence);
  expect(runtimeCopy).toEqual(designCopy);
});

test('a damaged constants file fails the check', () => {
  const missingInterval = structuredClone(bcratConstants);
  missingInterval.incidence.absolute.white.pop();
  expect(v.safeParse(ConstantsSchema, missingInterval).success).toBe(false);
  const negativeRate = structuredClone(bcratConstants);
  (negativeRate.competingHazards.average.black as number[])[3] = -0.001;
  expect(v.safeParse(ConstantsSchema, negativeRate).success).toBe(false);
  const { hispanic_us: _dropped, ...withoutRace } = bcratConstants.betas;
  expect(v.safeParse(ConstantsSchema, { ...bcratConstants, betas: withoutRace }).success).toBe(false);
});
