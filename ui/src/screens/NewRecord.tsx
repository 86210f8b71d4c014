// Placeholder: this screen is being built (see the route table).
export function NewRecord(_props: object) {
  return (
    <section class="card empty-state">
      <h1 tabIndex={-1}>Not ready yet</h1>
      <p>This part of Peer Journal is still being built.</p>
    </section>
  );
}
