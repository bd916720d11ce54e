'use client';
/**
 * Field primitives bound to a path of the draft. Each reads its value from the draft, writes
 * through `set(path, value)` (an emptied field deletes its key), and shows the issues found at
 * its path right under it; `data-field` carries the path so the findings list can jump to it.
 */
import { useId, useState, type ReactNode } from 'react';
import { cn } from '@/components/ui/cn';
import { useEditor } from './editor-context';
import { getIn, pathString, type Path } from './object-path';
import type { Issue } from './validation';

const inputCore =
  'rounded border bg-white px-2 py-1 text-sm text-slate-900 placeholder:text-slate-400 focus:outline-none focus:ring-1 disabled:cursor-not-allowed disabled:bg-slate-100 disabled:text-slate-500 dark:bg-slate-950 dark:text-slate-100 dark:disabled:bg-slate-900';
const okBorder = 'border-slate-300 focus:border-sky-500 focus:ring-sky-500 dark:border-slate-700';
const badBorder = 'border-red-500 focus:border-red-600 focus:ring-red-500';
/** Classes of a text input or select; `invalid` turns the border (and focus ring) red. */
export function fieldClass(invalid = false, fullWidth = true): string {
  return `${inputCore} ${invalid ? badBorder : okBorder}${fullWidth ? ' w-full' : ''}`;
}
export const smallButton =
  'rounded border border-slate-300 px-2 py-0.5 text-xs text-slate-700 hover:bg-slate-100 disabled:cursor-not-allowed disabled:opacity-40 dark:border-slate-700 dark:text-slate-200 dark:hover:bg-slate-800';

const LEVEL_TEXT: Record<Issue['level'], string> = {
  Error: 'text-red-700 dark:text-red-400',
  Warning: 'text-amber-700 dark:text-amber-400',
  Info: 'text-sky-700 dark:text-sky-400',
};

/** The issues at exactly `path`. */
export function useIssues(path: Path | string): Issue[] {
  const { issues } = useEditor();
  return issues.get(typeof path === 'string' ? path : pathString(path)) ?? [];
}

export function IssueLines({ issues, id }: { issues: readonly Issue[]; id?: string }) {
  if (issues.length === 0) return null;
  return (
    <ul id={id} className="mt-1 space-y-0.5 text-xs" data-testid="field-issues">
      {issues.map((i, n) => (
        <li key={`${i.code}-${n}`} className={i.blocking ? LEVEL_TEXT.Error : LEVEL_TEXT[i.level]} data-testid="field-error" data-level={i.level} data-code={i.code}>
          {i.documentationUrl ? (
            <a href={i.documentationUrl} target="_blank" rel="noreferrer" className="mr-1 font-mono underline">
              {i.code}
            </a>
          ) : i.source !== 'metadata' ? (
            <span className="mr-1 font-mono">{i.source === 'server' ? 'server' : i.code}</span>
          ) : null}
          {i.message}
        </li>
      ))}
    </ul>
  );
}

/** Shows the issues at `path` (for sections and rows whose path has no input of its own). */
export function FieldIssues({ path }: { path: Path | string }) {
  return <IssueLines issues={useIssues(path)} />;
}

interface FieldProps {
  path: Path;
  label: string;
  hint?: ReactNode;
  className?: string;
  /** Render the label visually hidden (the input still has it). */
  hideLabel?: boolean;
}

function Field({ path, label, hint, className, hideLabel, children }: FieldProps & { children: (p: { id: string; invalid: boolean; describedBy?: string }) => ReactNode }) {
  const id = useId();
  const issues = useIssues(path);
  const invalid = issues.some((i) => i.level === 'Error' || i.blocking);
  return (
    <div className={cn('min-w-0', className)} data-field={pathString(path)}>
      <label htmlFor={id} className={cn('mb-0.5 block text-xs font-medium text-slate-600 dark:text-slate-400', hideLabel && 'sr-only')}>
        {label}
      </label>
      {children({ id, invalid, describedBy: issues.length ? `${id}-issues` : undefined })}
      {hint ? <p className="mt-0.5 text-xs text-slate-500">{hint}</p> : null}
      <IssueLines issues={issues} id={`${id}-issues`} />
    </div>
  );
}

export function TextField({
  path,
  label,
  placeholder,
  list,
  mono,
  hint,
  className,
  hideLabel,
  disabled,
}: FieldProps & { placeholder?: string; list?: readonly string[]; mono?: boolean; disabled?: boolean }) {
  const { draft, set, readOnly } = useEditor();
  const value = getIn(draft, path);
  const listId = useId();
  return (
    <Field path={path} label={label} hint={hint} className={className} hideLabel={hideLabel}>
      {({ id, invalid, describedBy }) => (
        <>
          <input
            id={id}
            type="text"
            value={typeof value === 'string' || typeof value === 'number' ? String(value) : ''}
            placeholder={placeholder}
            list={list?.length ? listId : undefined}
            disabled={readOnly || disabled}
            aria-invalid={invalid || undefined}
            aria-describedby={describedBy}
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => set(path, e.target.value === '' ? undefined : e.target.value)}
            className={cn(fieldClass(invalid), mono && 'font-mono')}
          />
          {list?.length ? (
            <datalist id={listId}>
              {list.map((o) => (
                <option key={o} value={o} />
              ))}
            </datalist>
          ) : null}
        </>
      )}
    </Field>
  );
}

/** A number; text that is not (yet) a number stays in the box without touching the draft. */
export function NumberField({
  path,
  label,
  min,
  max,
  step,
  placeholder,
  hint,
  className,
  hideLabel,
  list,
}: FieldProps & { min?: number; max?: number; step?: number; placeholder?: string; list?: readonly string[] }) {
  const { draft, set, readOnly } = useEditor();
  const listId = useId();
  const value = getIn(draft, path);
  const external = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '';
  const [text, setText] = useState(external);
  const [synced, setSynced] = useState(external);
  if (external !== synced) {
    // The draft changed from elsewhere (YAML pane, slider): show it.
    setSynced(external);
    if (Number(text) !== Number(external) || text === '' || external === '') setText(external);
  }
  return (
    <Field path={path} label={label} hint={hint} className={className} hideLabel={hideLabel}>
      {({ id, invalid, describedBy }) => (
        <>
        <input
          id={id}
          type="number"
          inputMode="numeric"
          list={list?.length ? listId : undefined}
          value={text}
          min={min}
          max={max}
          step={step}
          placeholder={placeholder}
          disabled={readOnly}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          onChange={(e) => {
            const t = e.target.value;
            setText(t);
            if (t === '') set(path, undefined);
            else if (Number.isFinite(Number(t))) set(path, Number(t));
          }}
          className={cn(fieldClass(invalid), 'font-mono tabular-nums')}
        />
        {list?.length ? (
          <datalist id={listId}>
            {list.map((o) => (
              <option key={o} value={o} />
            ))}
          </datalist>
        ) : null}
        </>
      )}
    </Field>
  );
}

export interface Option {
  value: string;
  label?: string;
}

export function SelectField({
  path,
  label,
  options,
  unsetLabel = '(not set)',
  hint,
  className,
  hideLabel,
  numeric,
}: FieldProps & { options: readonly (string | Option)[]; unsetLabel?: string | null; /** Store the value as a number. */ numeric?: boolean }) {
  const { draft, set, readOnly } = useEditor();
  const raw = getIn(draft, path);
  const value = raw === undefined || raw === null ? '' : String(raw);
  const opts = options.map((o) => (typeof o === 'string' ? { value: o } : o));
  if (value && !opts.some((o) => o.value === value)) opts.push({ value, label: `${value} (not a known value)` });
  return (
    <Field path={path} label={label} hint={hint} className={className} hideLabel={hideLabel}>
      {({ id, invalid, describedBy }) => (
        <select
          id={id}
          value={value}
          disabled={readOnly}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          onChange={(e) => set(path, e.target.value === '' ? undefined : numeric ? Number(e.target.value) : e.target.value)}
          className={fieldClass(invalid)}
        >
          {unsetLabel !== null ? <option value="">{unsetLabel}</option> : null}
          {opts.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label ?? o.value}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** A boolean: checked sets `true`, unchecked removes the key (Istio's default is false). */
export function CheckboxField({ path, label, hint, className }: FieldProps) {
  const { draft, set, readOnly } = useEditor();
  const id = useId();
  const issues = useIssues(path);
  return (
    <div className={cn('min-w-0', className)} data-field={pathString(path)}>
      <label htmlFor={id} className="flex items-center gap-2 text-sm">
        <input id={id} type="checkbox" checked={getIn(draft, path) === true} disabled={readOnly} onChange={(e) => set(path, e.target.checked ? true : undefined)} className="h-4 w-4 accent-sky-600" />
        {label}
      </label>
      {hint ? <p className="ml-6 text-xs text-slate-500">{hint}</p> : null}
      <IssueLines issues={issues} />
    </div>
  );
}

/** A titled block (a server, a route, a policy); its own issues shown under the title. */
export function Section({
  title,
  path,
  children,
  actions,
  className,
  subtitle,
}: {
  title: ReactNode;
  path?: Path;
  children: ReactNode;
  actions?: ReactNode;
  className?: string;
  subtitle?: ReactNode;
}) {
  return (
    <section
      className={cn('rounded-md border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900', className)}
      data-field={path ? pathString(path) : undefined}
    >
      <div className="mb-2 flex flex-wrap items-center gap-2">
        <h3 className="text-sm font-semibold">{title}</h3>
        {subtitle ? <span className="min-w-0 truncate text-xs text-slate-500">{subtitle}</span> : null}
        {actions ? <div className="ml-auto flex items-center gap-1">{actions}</div> : null}
      </div>
      {path ? <FieldIssues path={path} /> : null}
      {children}
    </section>
  );
}

/** A collapsed group of rarely used fields; shows how many are set and how many issues are inside. */
export function More({
  title,
  path,
  setCount,
  children,
  defaultOpen,
  keys,
}: {
  title: string;
  path: Path;
  setCount?: number;
  children: ReactNode;
  defaultOpen?: boolean;
  /** Only these keys of `path` are inside (others are shown outside the group). */
  keys?: readonly string[];
}) {
  const { issues } = useEditor();
  const prefix = pathString(path);
  const roots = keys ? keys.map((k) => `${prefix}.${k}`) : [prefix];
  let inside = 0;
  for (const [p, list] of issues) if (roots.some((r) => p === r || p.startsWith(`${r}.`) || p.startsWith(`${r}[`))) inside += list.length;
  return (
    <details className="group rounded border border-slate-200 open:w-full dark:border-slate-800" open={defaultOpen} data-field={prefix}>
      <summary className="flex cursor-pointer select-none items-center gap-2 px-2 py-1 text-xs font-medium text-slate-600 dark:text-slate-300">
        <span className="inline-block transition-transform group-open:rotate-90">▸</span>
        {title}
        {setCount ? <span className="rounded bg-slate-100 px-1 text-slate-600 dark:bg-slate-800 dark:text-slate-300">{setCount} set</span> : null}
        {inside ? <span className="rounded bg-red-100 px-1 text-red-800 dark:bg-red-950 dark:text-red-200">{inside} issue{inside > 1 ? 's' : ''}</span> : null}
      </summary>
      <div className="space-y-2 border-t border-slate-200 p-2 dark:border-slate-800">{children}</div>
    </details>
  );
}

/** How many keys of the object at `path` are set (for `More`'s badge). */
export function useSetCount(path: Path, keys?: readonly string[]): number {
  const { draft } = useEditor();
  const v = getIn(draft, path);
  if (!v || typeof v !== 'object') return 0;
  return Object.keys(v).filter((k) => !keys || keys.includes(k)).length;
}
