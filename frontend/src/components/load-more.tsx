/** The next page of a cursor-paged list, while there is one. */
export function LoadMore({
  list,
  block = false,
}: {
  list: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => Promise<unknown> }
  /** Full width, as in the sidebar. */
  block?: boolean
}) {
  if (!list.hasNextPage) return null
  return (
    <button
      type="button"
      className={block ? 'button button-quiet button-block' : 'button button-quiet'}
      onClick={() => void list.fetchNextPage()}
      disabled={list.isFetchingNextPage}
    >
      Load more
    </button>
  )
}
