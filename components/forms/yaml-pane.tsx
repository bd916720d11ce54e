'use client';
/**
 * The YAML pane beside every form: the draft as YAML, editable. Form edits rewrite the text;
 * text that parses updates the draft (and so the form); text that does not parse shows the
 * parser's message and line and leaves the draft — and the form — as they were.
 */
import { useRef, useState } from 'react';
import { cn } from '@/components/ui/cn';
import type { KubeObject } from '@/components/resources/kinds';
import { draftToYaml, yamlToDraft, type YamlConstraints, type YamlError } from './yaml-text';

export function YamlPane({
  draft,
  onDraft,
  onError,
  readOnly,
  constraints,
}: {
  draft: KubeObject;
  onDraft(next: KubeObject): void;
  /** The pane's text does not parse (or parses again: `undefined`). */
  onError(error: YamlError | undefined): void;
  readOnly: boolean;
  constraints: YamlConstraints;
}) {
  const [text, setText] = useState(() => draftToYaml(draft));
  const [error, setError] = useState<YamlError | undefined>();
  const [seen, setSeen] = useState(draft);
  const [fromText, setFromText] = useState<KubeObject | null>(null);
  const gutter = useRef<HTMLPreElement>(null);

  if (draft !== seen) {
    // The draft changed. When the change came from the form (not from this text), show it.
    setSeen(draft);
    if (draft !== fromText) {
      // (The editor clears its copy of the error itself when the form changes the draft.)
      setText(draftToYaml(draft));
      setError(undefined);
    }
  }

  const onChange = (next: string) => {
    setText(next);
    const res = yamlToDraft(next, draft, constraints);
    if (!res.ok) {
      setError(res.error);
      onError(res.error);
      return;
    }
    setError(undefined);
    onError(undefined);
    setFromText(res.draft);
    onDraft(res.draft);
  };

  const lines = text.split('\n').length;
  return (
    <div className="flex h-full min-h-0 flex-col" data-testid="yaml-pane">
      <div className="flex items-center justify-between border-b border-slate-200 px-3 py-1.5 text-xs dark:border-slate-800">
        <span className="font-medium text-slate-600 dark:text-slate-300">YAML</span>
        <span className="text-slate-500">{readOnly ? 'read-only' : 'editable · stays in step with the form'}</span>
      </div>
      <div className="relative flex min-h-0 flex-1 overflow-hidden font-mono text-xs leading-5">
        <pre ref={gutter} aria-hidden className="w-10 shrink-0 select-none overflow-hidden bg-slate-50 py-2 pr-2 text-right text-slate-400 dark:bg-slate-900">
          {Array.from({ length: lines }, (_, i) => (
            <div key={i} className={cn(error?.line === i + 1 && 'bg-red-200 text-red-900 dark:bg-red-900 dark:text-red-100')}>
              {i + 1}
            </div>
          ))}
        </pre>
        <textarea
          aria-label="YAML"
          value={text}
          readOnly={readOnly}
          spellCheck={false}
          wrap="off"
          aria-invalid={!!error || undefined}
          aria-describedby={error ? 'yaml-error' : undefined}
          onChange={(e) => onChange(e.target.value)}
          onScroll={(e) => {
            if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop;
          }}
          className="min-h-0 flex-1 resize-none bg-white p-2 leading-5 text-slate-900 outline-none dark:bg-slate-950 dark:text-slate-100"
        />
      </div>
      {error ? (
        <div id="yaml-error" role="alert" data-testid="yaml-error" className="border-t border-red-300 bg-red-50 px-3 py-2 text-xs text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200">
          {error.line ? <span className="font-semibold">Line {error.line}{error.col ? `, column ${error.col}` : ''}: </span> : null}
          {error.message} <span className="text-red-700/80 dark:text-red-300/80">The form keeps the last valid version.</span>
        </div>
      ) : null}
    </div>
  );
}
