import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/client';
import type { Event, Question } from '../../api/types';
import { expectAccessible } from '../../test/axe';
import { ticketType } from '../../test/fixtures';
import { renderAt } from '../../test/render';
import { QuestionsSection } from './QuestionsSection';

const { api } = vi.hoisted(() => ({
  api: { questions: vi.fn(), createQuestion: vi.fn(), updateQuestion: vi.fn(), deleteQuestion: vi.fn() },
}));
vi.mock('../../api', async (orig) => ({ ...(await orig<typeof import('../../api')>()), api }));

const event = {
  eventId: 'e1',
  name: 'Rooftop Jazz',
  timezone: 'Europe/Berlin',
  currency: 'EUR',
  capacity: 200,
  status: 'published',
  ticketTypes: [
    ticketType({ ticketTypeId: 'regular', name: 'Regular', position: 0 }),
    ticketType({ ticketTypeId: 'vip', name: 'VIP', position: 1 }),
  ],
} as Event;

const q = (over: Partial<Question>): Question => ({
  questionId: 'q',
  eventId: 'e1',
  label: 'Q',
  type: 'text',
  options: [],
  required: false,
  scope: 'ticket',
  ticketTypeIds: [],
  position: 0,
  ...over,
});
const diet = q({ questionId: 'diet', label: 'Diet', type: 'select', options: ['None', 'Vegan'], required: true, position: 0 });
const company = q({ questionId: 'co', label: 'Company', scope: 'order', position: 0 });

const renderSection = () => renderAt('/', '/', <QuestionsSection event={event} />);

describe('QuestionsSection', () => {
  beforeEach(() => {
    vi.clearAllMocks();
    api.questions.mockResolvedValue({ items: [company, diet] });
  });

  it('lists the questions in the order the form asks them, with their kind and who is asked, accessibly', async () => {
    const { container } = renderSection();
    const list = await screen.findByRole('list', { name: 'Questions' });
    const rows = within(list).getAllByRole('listitem');
    // Equal positions: by questionId, as the server orders them.
    expect(rows.map((r) => r.querySelector('strong')?.textContent?.trim())).toEqual(['Company', 'Diet Required']);
    expect(rows[0]).toHaveTextContent('Short text · Once per order');
    expect(rows[1]).toHaveTextContent('One of several options · Of every ticket holder · None, Vegan');
    await expectAccessible(container);
  });

  it('adds a question with options, asked only with some types, after checking it as the server does', async () => {
    api.createQuestion.mockResolvedValue(q({ questionId: 'new' }));
    const user = userEvent.setup();
    const { container } = renderSection();
    await user.click(await screen.findByRole('button', { name: 'Add question' }));
    const form = screen.getByRole('form', { name: 'New question' });
    await user.type(within(form).getByLabelText('Question'), 'Workshops');
    await user.selectOptions(within(form).getByLabelText('Kind of answer'), 'multiselect');
    await user.type(within(form).getByLabelText('Options'), 'Morning{enter}Morning');
    await user.click(within(form).getByRole('checkbox', { name: 'Ask only with some ticket types' }));
    await user.click(within(form).getByRole('button', { name: 'Add question' }));
    expect(within(form).getByLabelText('Options')).toHaveAccessibleDescription(/“Morning” is listed twice\./);
    expect(within(form).getByRole('group', { name: 'Ticket types' })).toHaveAccessibleDescription(
      'Choose at least one ticket type, or ask every type.',
    );
    await expectAccessible(container);
    expect(api.createQuestion).not.toHaveBeenCalled();

    await user.type(
      within(form).getByLabelText('Options'),
      '{backspace}{backspace}{backspace}{backspace}{backspace}{backspace}{backspace}Evening',
    );
    await user.click(within(form).getByRole('checkbox', { name: 'VIP' }));
    await user.click(within(form).getByRole('checkbox', { name: /^Required/ }));
    await user.click(within(form).getByRole('button', { name: 'Add question' }));
    await waitFor(() => expect(api.createQuestion).toHaveBeenCalled());
    expect(api.createQuestion).toHaveBeenCalledWith('e1', {
      label: 'Workshops',
      type: 'multiselect',
      options: ['Morning', 'Evening'],
      required: true,
      scope: 'ticket',
      ticketTypeIds: ['vip'],
    });
  });

  it('shows the server’s field errors beside the fields', async () => {
    api.createQuestion.mockRejectedValue(
      new ApiError(400, {
        type: 'urn:admit:problem:validation-error',
        title: 'Bad Request',
        status: 400,
        detail: 'The question is not valid.',
        errors: [{ field: 'options[1]', message: 'must be at most 200 characters' }],
      }),
    );
    const user = userEvent.setup();
    renderSection();
    await user.click(await screen.findByRole('button', { name: 'Add question' }));
    const form = screen.getByRole('form', { name: 'New question' });
    await user.type(within(form).getByLabelText('Question'), 'Size');
    await user.selectOptions(within(form).getByLabelText('Kind of answer'), 'select');
    await user.type(within(form).getByLabelText('Options'), 'S{enter}M');
    await user.click(within(form).getByRole('button', { name: 'Add question' }));
    expect(await within(form).findByText('Option 2 must be at most 200 characters.')).toBeInTheDocument();
  });

  it('moves a question by rewriting positions, sending each question whole', async () => {
    api.updateQuestion.mockImplementation(async (_e, id, input) => ({ ...q({ questionId: id }), ...input }));
    const user = userEvent.setup();
    renderSection();
    await user.click(await screen.findByRole('button', { name: 'Move Company down' }));
    await waitFor(() => expect(api.updateQuestion).toHaveBeenCalledTimes(1));
    // Diet (position 0) goes first and keeps its place; Company moves to 1.
    expect(api.updateQuestion).toHaveBeenCalledWith('e1', 'co', {
      label: 'Company',
      type: 'text',
      options: [],
      required: false,
      scope: 'order',
      ticketTypeIds: [],
      position: 1,
    });
  });

  it('changes a question, keeping its place, and deletes one after asking', async () => {
    api.updateQuestion.mockResolvedValue(diet);
    api.deleteQuestion.mockResolvedValue(undefined);
    const user = userEvent.setup();
    renderSection();
    await user.click(await screen.findByRole('button', { name: 'Edit Diet' }));
    const form = screen.getByRole('form', { name: 'Change “Diet”' });
    await user.type(within(form).getByLabelText('Options'), '{enter}Vegetarian');
    await user.click(within(form).getByRole('button', { name: 'Save question' }));
    await waitFor(() => expect(api.updateQuestion).toHaveBeenCalled());
    expect(api.updateQuestion).toHaveBeenCalledWith(
      'e1',
      'diet',
      expect.objectContaining({ options: ['None', 'Vegan', 'Vegetarian'], position: 0 }),
    );

    await user.click(screen.getByRole('button', { name: 'Delete Company' }));
    await user.click(screen.getByRole('button', { name: 'Delete the question' }));
    await waitFor(() => expect(api.deleteQuestion).toHaveBeenCalledWith('e1', 'co'));
  });
});
