import { useState } from 'react';
import type { Event, Question, Ticket } from '../../api/types';
import { AnswerList } from '../../components/AnswerList';
import { StatusBadge } from '../../components/EventBits';
import { Icon } from '../../components/Icon';
import { errorMessage } from '../../components/States';
import { formatTimestamp } from '../../lib/format';
import { ticketDownloadLink } from './api';
import { QrCode } from './QrCode';

interface Props {
  ticket: Ticket;
  index: number;
  total: number;
  event?: Event;
  /// The name of the ticket's type, when the order has several.
  typeName?: string;
  /// The event's questions, to show the holder's answers by their labels.
  questions?: Question[];
  /// A guest's order token, for the PDF link.
  orderToken?: string | null;
  onZoom: () => void;
}

/// One ticket: its QR code (enlarged on a tap), holder (and their answers), status and PDF download.
export function TicketView({ ticket, index, total, event, typeName, questions, orderToken, onZoom }: Props) {
  const [downloading, setDownloading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Cancelled with its registration, or on its own (`void`).
  const voided = ticket.status === 'cancelled' || ticket.status === 'void';

  const download = async () => {
    setError(null);
    setDownloading(true);
    // Opened now, while the click still counts as the person's, so no pop-up blocker steps in.
    const win = window.open('', '_blank');
    try {
      const { url } = await ticketDownloadLink(ticket.ticketId, orderToken);
      if (win) win.location.href = url;
      else window.location.assign(url);
    } catch (err) {
      win?.close();
      setError(errorMessage(err));
    } finally {
      setDownloading(false);
    }
  };

  return (
    <li className={`ticket${voided ? ' void' : ''}`} data-ticket-id={ticket.ticketId}>
      <button
        type="button"
        className="qr"
        onClick={onZoom}
        disabled={voided}
        aria-label={`Enlarge the QR code of ticket ${index + 1}`}
      >
        <QrCode text={ticket.qrCode} label={`QR code of ticket ${index + 1} of ${total}${event ? ` for ${event.name}` : ''}`} />
      </button>
      <div className="row ticket-title">
        <strong>
          Ticket {index + 1} of {total}
        </strong>
        <StatusBadge status={ticket.status} />
      </div>
      <div className="ticket-stub">
        <div className="ticket-holder">{ticket.holderName}</div>
        {typeName && <div className="small">{typeName}</div>}
        {ticket.holderEmail && <div className="small muted">{ticket.holderEmail}</div>}
        {questions && <AnswerList questions={questions} answers={ticket.answers} />}
        {ticket.validatedAt && <div>Checked in {formatTimestamp(ticket.validatedAt)}</div>}
        <div className="mono muted" title="Ticket id">
          #{ticket.ticketId.slice(-8)}
        </div>
      </div>
      {!voided && (
        <div className="ticket-actions">
          <button type="button" className="btn btn-sm" onClick={download} disabled={downloading}>
            {downloading ? <span className="spinner" aria-hidden="true" /> : <Icon name="download" size={15} />}
            PDF ticket
          </button>
        </div>
      )}
      {error && (
        <p className="small error-text" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}
