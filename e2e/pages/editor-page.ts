/**
 * Page object of the resource editor (app/{kind}/[namespace]/[name] and app/{kind}/new): fields
 * by their API field path (`spec.http[2].route`), the YAML pane, the findings list, the split
 * slider and the apply bar.
 */
import { expect, type Locator, type Page } from '@playwright/test';

export class EditorPage {
  constructor(readonly page: Page) {}

  async open(plural: string, namespace: string, name: string): Promise<void> {
    await this.page.goto(`/${plural}/${namespace}/${name}`);
    await expect(this.page.getByTestId('resource-editor')).toBeVisible();
  }

  async openNew(plural: string): Promise<void> {
    await this.page.goto(`/${plural}/new`);
    await expect(this.page.getByTestId('resource-editor')).toBeVisible();
  }

  /** The element of a field (or section) by its path. */
  field(path: string): Locator {
    return this.page.locator(`[data-field="${path}"]`).first();
  }

  /** The text/number input of a field. */
  input(path: string): Locator {
    return this.field(path).locator('input:not([type=checkbox]):not([type=radio]), select, textarea').first();
  }

  /** Issues shown at a field (or inside the section of that path). */
  fieldErrors(path: string, code?: string): Locator {
    const all = this.field(path).getByTestId('field-error');
    return code ? all.and(this.page.locator(`[data-code="${code}"]`)) : all;
  }

  findings(code?: string): Locator {
    const all = this.page.getByTestId('findings-list').getByTestId('finding');
    return code ? all.and(this.page.locator(`[data-code="${code}"]`)) : all;
  }

  get yaml(): Locator {
    return this.page.getByLabel('YAML', { exact: true });
  }

  get applyButton(): Locator {
    return this.page.getByTestId('apply-bar').getByRole('button', { name: /^(Apply|Create|Applying…)$/ });
  }

  get dryRunButton(): Locator {
    return this.page.getByTestId('apply-bar').getByRole('button', { name: /^Dry-run/ });
  }

  slider(routeName: string): Locator {
    return this.page.locator(`[data-testid="split-slider"][data-route='"${routeName}"']`);
  }

  /** The YAML pane's text as an object (parsed in the page, where the text is). */
  async yamlText(): Promise<string> {
    return this.yaml.inputValue();
  }

  async apply(): Promise<void> {
    await expect(this.applyButton).toBeEnabled();
    await this.applyButton.click();
  }

  async showDiff(): Promise<Locator> {
    const panel = this.page.getByTestId('diff-panel');
    if (!(await panel.isVisible())) await this.page.getByTestId('apply-bar').getByRole('button', { name: /^Diff/ }).click();
    return panel;
  }

  async screenshot(name: string): Promise<void> {
    await this.page.screenshot({ path: `test-results/screens/${name}.png` });
  }
}
