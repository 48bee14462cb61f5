// The legend of the levels: icon, name and one sentence each, most actionable first, straight
// from the level table (popup footer, welcome page).
import { levelMeaning, levelName, LEVELS_BY_RANK } from '../shared/level-display.ts';
import { LevelIcon } from './LevelLabel.tsx';

export function Legend() {
  return (
    <dl class="legend">
      {LEVELS_BY_RANK.map((level) => (
        <div key={level} class="legend-row" data-level={level}>
          <dt><LevelIcon level={level} /> {levelName(level)}</dt>
          <dd>{levelMeaning(level)}</dd>
        </div>
      ))}
    </dl>
  );
}
