'use client';
/**
 * Fields for lists and maps: a list of strings (hosts, gateways), a string map (labels,
 * headers to set), and Istio's StringMatch (`exact` / `prefix` / `regex`).
 */
import { useId, useState } from 'react';
import { cn } from '@/components/ui/cn';
import { useEditor } from './editor-context';
import { FieldIssues, IssueLines, fieldClass, smallButton, useIssues } from './fields';
import { getIn, pathString, renameKey, setIn, type Path } from './object-path';

/** One input per item, with add and remove; issues shown per item and for the list. */
export function StringListField({
  path,
  label,
  placeholder,
  list,
  addLabel = 'Add',
  mono = true,
  hint,
}: {
  path: Path;
  label: string;
  placeholder?: string;
  list?: readonly string[];
  addLabel?: string;
  mono?: boolean;
  hint?: string;
}) {
  const { draft, set, readOnly } = useEditor();
  const raw = getIn(draft, path);
  const items = Array.isArray(raw) ? raw : [];
  const listId = useId();
  return (
    <div data-field={pathString(path)} className="min-w-0">
      <div className="mb-0.5 text-xs font-medium text-slate-600 dark:text-slate-400">{label}</div>
      <ul className="space-y-1">
        {items.map((item, i) => (
          <StringItem
            key={i}
            path={[...path, i]}
            label={`${label} ${i + 1}`}
            value={typeof item === 'string' ? item : JSON.stringify(item)}
            placeholder={placeholder}
            listId={list?.length ? listId : undefined}
            mono={mono}
            onRemove={() => set(path, items.length === 1 ? undefined : items.filter((_, j) => j !== i))}
          />
        ))}
      </ul>
      {list?.length ? (
        <datalist id={listId}>
          {list.map((o) => (
            <option key={o} value={o} />
          ))}
        </datalist>
      ) : null}
      {!readOnly ? (
        <button type="button" className={cn(smallButton, 'mt-1')} onClick={() => set(path, [...items, ''])}>
          + {addLabel}
        </button>
      ) : null}
      {hint ? <p className="mt-0.5 text-xs text-slate-500">{hint}</p> : null}
      <FieldIssues path={path} />
    </div>
  );
}

function StringItem({ path, label, value, placeholder, listId, mono, onRemove }: { path: Path; label: string; value: string; placeholder?: string; listId?: string; mono: boolean; onRemove(): void }) {
  const { set, readOnly } = useEditor();
  const issues = useIssues(path);
  const invalid = issues.some((i) => i.blocking);
  return (
    <li data-field={pathString(path)}>
      <div className="flex gap-1">
        <input
          aria-label={label}
          value={value}
          placeholder={placeholder}
          list={listId}
          disabled={readOnly}
          spellCheck={false}
          autoComplete="off"
          aria-invalid={invalid || undefined}
          onChange={(e) => set(path, e.target.value)}
          className={cn(fieldClass(invalid), mono && 'font-mono')}
        />
        {!readOnly ? (
          <button type="button" aria-label={`Remove ${label}`} className={smallButton} onClick={onRemove}>
            ✕
          </button>
        ) : null}
      </div>
      <IssueLines issues={issues} />
    </li>
  );
}

/** A `map<string, string>` as key/value rows (labels, selectors, headers to set). */
export function KeyValueField({ path, label, keyPlaceholder = 'key', valuePlaceholder = 'value', addLabel = 'Add' }: { path: Path; label: string; keyPlaceholder?: string; valuePlaceholder?: string; addLabel?: string }) {
  const { draft, set, update, readOnly } = useEditor();
  const raw = getIn(draft, path);
  const map = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const entries = Object.entries(map);
  return (
    <div data-field={pathString(path)} className="min-w-0">
      <div className="mb-0.5 text-xs font-medium text-slate-600 dark:text-slate-400">{label}</div>
      {entries.length === 0 ? <p className="text-xs text-slate-500">None.</p> : null}
      <ul className="space-y-1">
        {entries.map(([k, v], i) => (
          <li key={i} className="flex gap-1" data-field={pathString([...path, { key: k }])}>
            <input
              aria-label={`${label} key ${i + 1}`}
              value={k}
              placeholder={keyPlaceholder}
              disabled={readOnly}
              spellCheck={false}
              onChange={(e) => update((d) => renameKey(d, path, k, e.target.value))}
              className={cn(fieldClass(), 'font-mono')}
            />
            <input
              aria-label={`${label} value ${i + 1}`}
              value={typeof v === 'string' ? v : JSON.stringify(v)}
              placeholder={valuePlaceholder}
              disabled={readOnly}
              spellCheck={false}
              onChange={(e) => set([...path, { key: k }], e.target.value)}
              className={cn(fieldClass(), 'font-mono')}
            />
            {!readOnly ? (
              <button type="button" aria-label={`Remove ${label} ${k}`} className={smallButton} onClick={() => set([...path, { key: k }], undefined)}>
                ✕
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {!readOnly ? (
        <button
          type="button"
          className={cn(smallButton, 'mt-1')}
          onClick={() => {
            let k = '';
            for (let n = 1; k === '' || k in map; n++) k = n === 1 ? 'key' : `key${n}`;
            set([...path, { key: k }], '');
          }}
        >
          + {addLabel}
        </button>
      ) : null}
      <FieldIssues path={path} />
    </div>
  );
}

const MATCH_KINDS = ['exact', 'prefix', 'regex'] as const;

/**
 * Istio's StringMatch: one of `exact`, `prefix`, `regex`. Changing the kind keeps the value.
 * Issues at `…uri` and `…uri.regex` both show here.
 */
export function StringMatchField({ path, label, kinds = MATCH_KINDS, placeholder }: { path: Path; label: string; kinds?: readonly string[]; placeholder?: string }) {
  const { draft, update, readOnly } = useEditor();
  const raw = getIn(draft, path);
  const m = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const present = kinds.find((k) => k in m);
  const [chosen, setChosen] = useState<string>(present ?? kinds[0]!);
  const kind = present ?? chosen;
  const value = typeof m[kind] === 'string' ? (m[kind] as string) : '';
  const id = useId();
  const issues = [...useIssues(path), ...useIssues([...path, kind])];
  const invalid = issues.some((i) => i.blocking);
  return (
    <div data-field={pathString(path)} className="min-w-0">
      <label htmlFor={id} className="mb-0.5 block text-xs font-medium text-slate-600 dark:text-slate-400">
        {label}
      </label>
      <div className="flex gap-1" data-field={pathString([...path, kind])}>
        <select
          aria-label={`${label} match type`}
          value={kind}
          disabled={readOnly}
          onChange={(e) => {
            const next = e.target.value;
            setChosen(next);
            if (present) update((d) => setIn(d, path, { ...Object.fromEntries(Object.entries(m).filter(([k]) => !kinds.includes(k))), [next]: value }));
          }}
          className={cn(fieldClass(false, false), 'w-24 shrink-0')}
        >
          {kinds.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
        <input
          id={id}
          value={value}
          placeholder={placeholder}
          disabled={readOnly}
          spellCheck={false}
          autoComplete="off"
          aria-invalid={invalid || undefined}
          onChange={(e) => {
            const v = e.target.value;
            const rest = Object.fromEntries(Object.entries(m).filter(([k]) => !kinds.includes(k)));
            // A cleared uri/authority disappears; a cleared header or origin entry stays as a row.
            const removable = typeof path[path.length - 1] === 'string';
            const next = v === '' && removable ? (Object.keys(rest).length ? rest : undefined) : { ...rest, [kind]: v };
            update((d) => setIn(d, path, next));
          }}
          className={cn(fieldClass(invalid), 'font-mono')}
        />
      </div>
      <IssueLines issues={issues} />
    </div>
  );
}

/** A `map<string, StringMatch>` (match headers, queryParams, withoutHeaders). */
export function StringMatchMapField({ path, label, addLabel }: { path: Path; label: string; addLabel: string }) {
  const { draft, set, update, readOnly } = useEditor();
  const raw = getIn(draft, path);
  const map = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  return (
    <div data-field={pathString(path)} className="min-w-0">
      <div className="mb-0.5 text-xs font-medium text-slate-600 dark:text-slate-400">{label}</div>
      <ul className="space-y-1">
        {Object.keys(map).map((k, i) => (
          <li key={i} className="grid grid-cols-[10rem_1fr_auto] items-start gap-1">
            <input
              aria-label={`${label} name ${i + 1}`}
              value={k}
              disabled={readOnly}
              spellCheck={false}
              onChange={(e) => update((d) => renameKey(d, path, k, e.target.value))}
              className={cn(fieldClass(), 'font-mono')}
            />
            <StringMatchField path={[...path, { key: k }]} label={`${label} ${k || i + 1} value`} />
            {!readOnly ? (
              <button type="button" aria-label={`Remove ${label} ${k}`} className={cn(smallButton, 'mt-5')} onClick={() => set([...path, { key: k }], undefined)}>
                ✕
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {!readOnly ? (
        <button
          type="button"
          className={cn(smallButton, 'mt-1')}
          onClick={() => {
            let k = '';
            for (let n = 1; k === '' || k in map; n++) k = n === 1 ? 'x-header' : `x-header-${n}`;
            set([...path, { key: k }], { exact: '' });
          }}
        >
          + {addLabel}
        </button>
      ) : null}
      <FieldIssues path={path} />
    </div>
  );
}
