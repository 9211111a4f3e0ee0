import { useState } from 'react';
import type { Event, Ticket } from '../../api/types';
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
  onZoom: () => void;
}

/// One ticket: its QR code (enlarged on a tap), holder, status and PDF download.
export function TicketView({ ticket, index, total, event, onZoom }: Props) {
  const [downloading, setDownloading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const voided = ticket.status === 'cancelled';

  const download = async () => {
    setError(null);
    setDownloading(true);
    // Opened now, while the click still counts as the person's, so no pop-up blocker steps in.
    const win = window.open('', '_blank');
    try {
      const { url } = await ticketDownloadLink(ticket.ticketId);
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
        <div>{ticket.holderName}</div>
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
