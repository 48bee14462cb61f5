// A level as icon + word: the icon has its own shape per level and the word says it, so the
// level never depends on colour alone. The icon is decorative (alt="") since the word follows.
// Icon, word and glyph come from the level table (src/shared/level-table.ts).
import type { DisplayLevel } from '../shared/messages.ts';
import { levelIconPaths, levelName } from '../shared/level-display.ts';

export function LevelIcon({ level }: { level: DisplayLevel }) {
  return <img class="level-icon" src={levelIconPaths(level)['32']} alt="" width={16} height={16} />;
}

export function LevelLabel({ level }: { level: DisplayLevel }) {
  return (
    <span class={`level level-${level}`}>
      <LevelIcon level={level} />
      <span>{levelName(level)}</span>
    </span>
  );
}
